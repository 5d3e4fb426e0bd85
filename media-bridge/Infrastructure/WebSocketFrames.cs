using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// RFC 6455 §5.2 framing the server side needs: headers of unmasked frames out, the masking key undone on
/// frames in, and which close codes a peer may send (§7.4).
/// </summary>
internal static class WebSocketFrames
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>A header is at most 14 bytes (2, 8 of extended length, 4 of mask); a server's at most 10.</summary>
    public const int MaxServerHeader = 10;

    /// <summary>Control frames carry at most 125 bytes (§5.5).</summary>
    public const int MaxControlPayload = 125;

    public static int HeaderLength(int payloadLength) => payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;

    /// <summary>Writes the header of a final, unmasked frame (a server's frames are never masked, §5.1); returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, byte opcode, int payloadLength)
    {
        destination[0] = (byte)(0x80 | opcode);
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>
    /// XORs <paramref name="source"/> with the masking key into <paramref name="destination"/> (§5.3), starting
    /// <paramref name="offset"/> bytes into the key; returns the offset for the bytes that follow. The key is
    /// its four bytes as they came on the wire, read little-endian.
    /// </summary>
    public static int Unmask(ReadOnlySpan<byte> source, Span<byte> destination, uint key, int offset)
    {
        var i = 0;
        if (BitConverter.IsLittleEndian)
        {
            // The key turned so that its first byte applies to source[0]; every step below is a multiple of 4.
            var mask = BitOperations.RotateRight(key, 8 * offset);
            if (Vector128.IsHardwareAccelerated && source.Length >= Vector128<byte>.Count)
            {
                var wide = Vector128.Create(mask).AsByte();
                for (; i + Vector128<byte>.Count <= source.Length; i += Vector128<byte>.Count)
                {
                    (Vector128.Create(source.Slice(i, Vector128<byte>.Count)) ^ wide).CopyTo(destination[i..]);
                }
            }

            var mask64 = ((ulong)mask << 32) | mask;
            for (; i + sizeof(ulong) <= source.Length; i += sizeof(ulong))
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], BinaryPrimitives.ReadUInt64LittleEndian(source[i..]) ^ mask64);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = (byte)(source[i] ^ (byte)(key >> (8 * ((offset + i) & 3))));
        }

        return (offset + source.Length) & 3;
    }

    /// <summary>Codes a peer may send in a close frame: those RFC 6455 and the IANA registry define for the wire, and 3000–4999.</summary>
    public static bool IsValidCloseCode(int code) => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
}
