namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// An agent audio delta as slices of the message it came in (valid while that message is): the item and
/// response it belongs to (UTF-8, empty when absent) and its base64 audio.
/// </summary>
internal readonly record struct RealtimeAudioDelta(ReadOnlyMemory<byte> ItemId, ReadOnlyMemory<byte> ResponseId, ReadOnlyMemory<byte> Audio)
{
    /// <summary>The μ-law bytes the base64 audio decodes to, counted without decoding it.</summary>
    public long DecodedLength => DecodedLengthOf(Audio.Span);

    public static long DecodedLengthOf(ReadOnlySpan<byte> base64)
    {
        var padding = base64.Length > 0 && base64[^1] == '=' ? (base64.Length > 1 && base64[^2] == '=' ? 2 : 1) : 0;
        return base64.Length / 4 * 3 - padding;
    }
}
