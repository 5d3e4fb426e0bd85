namespace CallCenter.Simulators;

/// <summary>G.711 μ-law, the telephone audio Twilio and the bridge exchange (8 kHz, one byte per sample).</summary>
public static class MuLaw
{
    public const int SampleRate = 8000;
    public const int FrameBytes = 160; // 20 ms
    public const byte Silence = 0xFF;

    private static readonly short[] Decoded = BuildTable();

    public static short Decode(byte b) => Decoded[b];

    public static byte Encode(short sample)
    {
        const int Bias = 0x84;
        const int Clip = 32635;
        var sign = (sample >> 8) & 0x80;
        int magnitude = sign != 0 ? -sample : sample;
        if (magnitude > Clip)
        {
            magnitude = Clip;
        }

        magnitude += Bias;
        var exponent = 7;
        for (var mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }

        var mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    /// <summary>Mean absolute amplitude of a frame: what the fake's voice activity detection listens to.</summary>
    public static double Energy(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
        {
            return 0;
        }

        long sum = 0;
        foreach (var b in frame)
        {
            sum += Math.Abs((int)Decoded[b]);
        }

        return (double)sum / frame.Length;
    }

    private static short[] BuildTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var u = ~i & 0xFF;
            var sign = u & 0x80;
            var exponent = (u >> 4) & 0x07;
            var mantissa = u & 0x0F;
            var magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
            table[i] = (short)(sign != 0 ? -magnitude : magnitude);
        }

        return table;
    }
}
