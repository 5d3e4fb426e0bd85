using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Reads one Twilio Media Stream message: its event, the number of an echoed mark, and for a media frame the
/// OpenAI <c>input_audio_buffer.append</c> event carrying its payload. The base64 payload is copied between
/// the two JSON envelopes without decoding, into a pooled buffer: a frame allocates nothing. A <c>dtmf</c>
/// event's key is read into <see cref="Digit"/>, allocation-free too.
/// </summary>
internal sealed class TwilioEventParser : IDisposable
{
    private static readonly byte[] AppendPrefix = """{"type":"input_audio_buffer.append","audio":" """u8.ToArray()[..^1];
    private static readonly byte[] AppendSuffix = "\"}"u8.ToArray();

    // Twilio's frame is 20 ms (216 characters of base64): its append event is under 300 bytes; a larger payload grows it.
    private byte[] _append = ArrayPool<byte>.Shared.Rent(512);
    private int _appendLength;

    public TwilioEventParser() => AppendPrefix.CopyTo(_append, 0);

    /// <summary>The append event of the last media frame parsed; empty when the last message was not one with a payload.</summary>
    public ReadOnlyMemory<byte> Append => _append.AsMemory(0, _appendLength);

    /// <summary>The key of the last <see cref="TwilioEvent.Dtmf"/> parsed (0-9, * or #); '\0' when it named none.</summary>
    public char Digit { get; private set; }

    /// <summary>The message's event; <paramref name="markSeq"/> is the number of an echoed mark (0 when none).</summary>
    public TwilioEvent Parse(ReadOnlySpan<byte> message, out long markSeq)
    {
        markSeq = 0;
        _appendLength = 0;
        Digit = '\0';
        var kind = TwilioEvent.Other;
        var reader = new Utf8JsonReader(message);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1 && reader.ValueTextEquals("event"u8))
            {
                reader.Read();
                kind = reader.ValueTextEquals("media"u8) ? TwilioEvent.Media
                    : reader.ValueTextEquals("mark"u8) ? TwilioEvent.Mark
                    : reader.ValueTextEquals("stop"u8) ? TwilioEvent.Stop
                    : reader.ValueTextEquals("dtmf"u8) ? TwilioEvent.Dtmf
                    : TwilioEvent.Other;
            }
            else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                WriteAppend(ref reader);
            }
            else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("digit"u8))
            {
                reader.Read();
                var digit = reader.ValueSpan;
                if (reader.TokenType == JsonTokenType.String && digit.Length == 1 && digit[0] is (>= (byte)'0' and <= (byte)'9') or (byte)'*' or (byte)'#')
                {
                    Digit = (char)digit[0];
                }
            }
            else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                var name = reader.ValueSpan;
                if (name.Length > 1 && name[0] == (byte)'m')
                {
                    Utf8Parser.TryParse(name[1..], out markSeq, out _);
                }
            }
        }

        if (kind != TwilioEvent.Media)
        {
            _appendLength = 0;
        }

        // A key press without a key Twilio documents is nothing to act on.
        if (kind == TwilioEvent.Dtmf && Digit == '\0')
        {
            kind = TwilioEvent.Other;
        }
        else if (kind != TwilioEvent.Dtmf)
        {
            Digit = '\0';
        }

        return kind;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_append);
        _append = [];
        _appendLength = 0;
    }

    private void WriteAppend(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        var needed = AppendPrefix.Length + length + AppendSuffix.Length;
        if (needed > _append.Length)
        {
            ArrayPool<byte>.Shared.Return(_append);
            _append = ArrayPool<byte>.Shared.Rent(needed);
            AppendPrefix.CopyTo(_append, 0);
        }

        var payload = _append.AsSpan(AppendPrefix.Length);
        int written;
        if (reader.ValueIsEscaped)
        {
            written = reader.CopyString(payload);
        }
        else
        {
            reader.ValueSpan.CopyTo(payload);
            written = reader.ValueSpan.Length;
        }

        AppendSuffix.CopyTo(_append.AsSpan(AppendPrefix.Length + written));
        _appendLength = AppendPrefix.Length + written + AppendSuffix.Length;
    }
}
