using System.ClientModel;
using CallCenter.Core.Faults;
using Microsoft.Extensions.Options;
using OpenAI.Audio;

namespace CallCenter.Core.OpenAi;

/// <summary>OpenAI's audio transcription endpoint through the OpenAI SDK.</summary>
public sealed class OpenAiTranscriber(IOptions<OpenAiOptions> options) : ITranscriber
{
    private readonly AudioClient _client = new(options.Value.TranscriptionModel, options.Value.Credential, options.Value.ClientOptions());

    public async Task<Transcription> TranscribeAsync(Stream audio, string fileName, string language, CancellationToken ct = default)
    {
        try
        {
            var result = await _client.TranscribeAudioAsync(audio, fileName, new AudioTranscriptionOptions
            {
                // The API takes ISO-639-1 ("he"), tenants keep a full tag ("he-IL").
                Language = language.Split('-')[0],
                ResponseFormat = AudioTranscriptionFormat.Simple,
            });
            // The SDK's type has no usage: it is read from the answer's JSON (tokens, or seconds for whisper).
            return new Transcription(result.Value.Text, OpenAiUsage.Read(options.Value.TranscriptionModel, result.GetRawResponse().Content));
        }
        catch (ClientResultException e) when (!OpenAiErrors.IsTransient(e))
        {
            throw new PermanentFailureException($"Transcription refused ({e.Status}): {e.Message}", e);
        }
    }
}
