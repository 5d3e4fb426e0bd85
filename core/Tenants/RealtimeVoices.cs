namespace CallCenter.Core.Tenants;

/// <summary>
/// The built-in voices OpenAI documents for Realtime sessions (<c>audio.output.voice</c>). A voice outside the list
/// can make the server refuse the whole <c>session.update</c>, leaving the call in the default 24 kHz PCM that a
/// phone line plays as noise, so a tenant's voice is checked against it when the tenant is saved.
/// </summary>
public static class RealtimeVoices
{
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar",
    };
}
