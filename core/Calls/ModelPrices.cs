namespace CallCenter.Core.Calls;

/// <summary>One model's prices per 1M tokens of each kind, and per minute of audio for a model billed by duration.</summary>
public sealed class ModelPrices
{
    public decimal InputText { get; set; }
    public decimal CachedInputText { get; set; }
    public decimal InputAudio { get; set; }
    public decimal CachedInputAudio { get; set; }
    public decimal OutputText { get; set; }
    public decimal OutputAudio { get; set; }
    public decimal AudioMinute { get; set; }

    internal IEnumerable<(string Name, decimal Price)> All() =>
    [
        (nameof(InputText), InputText), (nameof(CachedInputText), CachedInputText), (nameof(InputAudio), InputAudio),
        (nameof(CachedInputAudio), CachedInputAudio), (nameof(OutputText), OutputText), (nameof(OutputAudio), OutputAudio),
        (nameof(AudioMinute), AudioMinute),
    ];
}
