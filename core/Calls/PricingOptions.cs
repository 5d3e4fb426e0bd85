namespace CallCenter.Core.Calls;

/// <summary>
/// The price table calls are costed with (section <c>Pricing</c>). The defaults are list prices in USD at
/// <see cref="Version"/>; configuration overrides any of them, and a changed table needs a new version so that the
/// calls priced before keep saying which table priced them (docs/runbook.md, "Price table").
/// </summary>
public sealed class PricingOptions
{
    public const string Section = "Pricing";

    /// <summary>Stored beside every cost it prices.</summary>
    public string Version { get; set; } = "2025-09-list";

    public string Currency { get; set; } = "USD";

    /// <summary>Per model name (as OpenAI reports it and our options name it), per 1M tokens.</summary>
    public Dictionary<string, ModelPrices> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-realtime"] = new() { InputText = 4.00m, CachedInputText = 0.40m, InputAudio = 32.00m, CachedInputAudio = 0.40m, OutputText = 16.00m, OutputAudio = 64.00m },
        ["gpt-4o-mini-transcribe"] = new() { InputText = 1.25m, InputAudio = 3.00m, OutputText = 5.00m },
        ["gpt-4o-transcribe"] = new() { InputText = 2.50m, InputAudio = 6.00m, OutputText = 10.00m },
        ["whisper-1"] = new() { AudioMinute = 0.006m },
        ["gpt-4o-mini"] = new() { InputText = 0.15m, CachedInputText = 0.075m, OutputText = 0.60m },
    };

    public TwilioPrices Twilio { get; set; } = new();
}
