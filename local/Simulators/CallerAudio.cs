namespace CallCenter.Simulators;

/// <summary>Caller audio: generated tones and noise bursts stand in for speech, or a WAV file is played.</summary>
public static class CallerAudio
{
    public static byte[] Silence(int ms) => Enumerable.Repeat(MuLaw.Silence, Bytes(ms)).ToArray();

    /// <summary>A loud tone: well above the fake's speech threshold.</summary>
    public static byte[] Tone(int ms, double hz = 440, short amplitude = 8000)
    {
        var bytes = new byte[Bytes(ms)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = MuLaw.Encode((short)(amplitude * Math.Sin(2 * Math.PI * hz * i / MuLaw.SampleRate)));
        }

        return bytes;
    }

    /// <summary>Noise bursts of 120 ms with 40 ms gaps: speech-like energy without a recording.</summary>
    public static byte[] Speech(int ms, int seed = 1)
    {
        var random = new Random(seed);
        var bytes = new byte[Bytes(ms)];
        for (var i = 0; i < bytes.Length; i++)
        {
            var inBurst = i % 1280 < 960;
            bytes[i] = inBurst ? MuLaw.Encode((short)random.Next(-9000, 9000)) : MuLaw.Silence;
        }

        return bytes;
    }

    /// <summary>Reads a mono 8 kHz WAV, μ-law (format 7) or 16-bit PCM (format 1), as μ-law bytes.</summary>
    public static byte[] FromWav(string path)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < 12 || System.Text.Encoding.ASCII.GetString(data, 0, 4) != "RIFF" || System.Text.Encoding.ASCII.GetString(data, 8, 4) != "WAVE")
        {
            throw new InvalidDataException($"{path} is not a WAV file");
        }

        int format = 0, channels = 0, rate = 0, bits = 0;
        var offset = 12;
        while (offset + 8 <= data.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(data, offset, 4);
            var size = BitConverter.ToInt32(data, offset + 4);
            var body = offset + 8;
            if (id == "fmt ")
            {
                format = BitConverter.ToInt16(data, body);
                channels = BitConverter.ToInt16(data, body + 2);
                rate = BitConverter.ToInt32(data, body + 4);
                bits = BitConverter.ToInt16(data, body + 14);
            }
            else if (id == "data")
            {
                if (channels != 1 || rate != MuLaw.SampleRate)
                {
                    throw new InvalidDataException($"{path}: need mono 8 kHz, got {channels} channels at {rate} Hz");
                }

                var length = Math.Min(size, data.Length - body);
                return (format, bits) switch
                {
                    (7, 8) => data.AsSpan(body, length).ToArray(),
                    (1, 16) => Enumerable.Range(0, length / 2).Select(i => MuLaw.Encode(BitConverter.ToInt16(data, body + 2 * i))).ToArray(),
                    _ => throw new InvalidDataException($"{path}: format {format}/{bits} bits is not μ-law or 16-bit PCM"),
                };
            }

            offset = body + size + (size & 1);
        }

        throw new InvalidDataException($"{path} has no data chunk");
    }

    /// <summary>Writes what a simulated caller heard as a μ-law WAV, for listening to a run.</summary>
    public static void WriteWav(string path, ReadOnlySpan<byte> mulaw)
    {
        using var file = File.Create(path);
        using var w = new BinaryWriter(file);
        w.Write("RIFF"u8);
        w.Write(36 + 2 + mulaw.Length);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(18);
        w.Write((short)7);
        w.Write((short)1);
        w.Write(MuLaw.SampleRate);
        w.Write(MuLaw.SampleRate);
        w.Write((short)1);
        w.Write((short)8);
        w.Write((short)0);
        w.Write("data"u8);
        w.Write(mulaw.Length);
        w.Write(mulaw);
    }

    private static int Bytes(int ms) => ms * MuLaw.SampleRate / 1000;
}
