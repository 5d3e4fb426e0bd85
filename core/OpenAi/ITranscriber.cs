namespace CallCenter.Core.OpenAi;

/// <summary>Turns a call recording into text.</summary>
public interface ITranscriber
{
    Task<Transcription> TranscribeAsync(Stream audio, string fileName, string language, CancellationToken ct = default);
}
