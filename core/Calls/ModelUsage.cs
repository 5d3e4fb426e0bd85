namespace CallCenter.Core.Calls;

/// <summary>
/// What one OpenAI request of the workflow used: tokens, or for a model billed by duration (whisper) the
/// seconds of audio.
/// </summary>
public sealed record ModelUsage(string? Model, long InputTokens, long OutputTokens, double Seconds = 0);
