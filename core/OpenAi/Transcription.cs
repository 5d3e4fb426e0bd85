using CallCenter.Core.Calls;

namespace CallCenter.Core.OpenAi;

/// <summary>A recording's text and what transcribing it used (null when the answer carried no usage).</summary>
public sealed record Transcription(string Text, ModelUsage? Usage);
