using System.ClientModel;
using System.ComponentModel.DataAnnotations;
using OpenAI;

namespace CallCenter.Core.OpenAi;

public sealed class OpenAiOptions
{
    public const string Section = "OpenAI";

    /// <summary>From Key Vault in Azure; any value for the local fake.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>The API base, <c>https://api.openai.com/v1</c> when unset; a loopback fake locally.</summary>
    public Uri? Endpoint { get; set; }

    [Required]
    public string TranscriptionModel { get; set; } = "gpt-4o-mini-transcribe";

    [Required]
    public string ChatModel { get; set; } = "gpt-4o-mini";

    [Required]
    public string RealtimeModel { get; set; } = "gpt-realtime";

    [Required]
    public string RealtimeTranscriptionModel { get; set; } = "gpt-4o-mini-transcribe";

    internal ApiKeyCredential Credential => new(ApiKey);

    /// <summary>A method, not a property: the configuration binder's generator would try to bind it.</summary>
    internal OpenAIClientOptions ClientOptions() => Endpoint is null ? new() : new() { Endpoint = Endpoint };
}
