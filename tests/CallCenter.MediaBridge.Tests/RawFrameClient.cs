using System.Net.Sockets;
using System.Text;

namespace CallCenter.MediaBridge.Tests;

/// <summary>
/// A WebSocket client on a plain TCP socket that sends exactly the bytes a test gives it (frames a real client
/// would never send included) and reads the server's frames one by one, checking that they are unmasked.
/// </summary>
public sealed class RawFrameClient : IAsyncDisposable
{
    /// <summary>The key of RFC 6455's handshake example (§1.3); its accept value is <see cref="ExampleAccept"/>.</summary>
    public const string ExampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    public const string ExampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawFrameClient(TcpClient tcp, string head, byte[] after)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        ResponseHead = head;
        _pending.AddRange(after);
    }

    /// <summary>The server's status line and headers.</summary>
    public string ResponseHead { get; }

    public static async Task<RawFrameClient> ConnectAsync(Uri url, IReadOnlyDictionary<string, string>? headers = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(url.Host, url.Port);
        var request = new StringBuilder()
            .Append($"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append($"Sec-WebSocket-Key: {ExampleKey}\r\nSec-WebSocket-Version: 13\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Append($"{name}: {value}\r\n");
        }

        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                throw new IOException("the server closed before its handshake response");
            }

            received.AddRange(buffer.AsSpan(0, n));
            var end = Encoding.ASCII.GetString([.. received]).IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return new RawFrameClient(tcp, Encoding.ASCII.GetString([.. received], 0, end), [.. received.Skip(end + 4)]);
            }
        }
    }

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>The next frame from the server, or null when it closed the connection (or did not send within the timeout).</summary>
    public async Task<(byte Opcode, bool Final, byte[] Payload)?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            if (!await FillAsync(2, cts.Token))
            {
                return null;
            }

            var length7 = _pending[1] & 0x7F;
            if ((_pending[1] & 0x80) != 0)
            {
                throw new InvalidDataException("a server frame must not be masked (RFC 6455 §5.1)");
            }

            var header = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
            if (!await FillAsync(header, cts.Token))
            {
                return null;
            }

            long length = length7;
            for (var i = 2; i < header; i++)
            {
                length = i == 2 ? _pending[i] : (length << 8) | _pending[i];
            }

            if (!await FillAsync(header + (int)length, cts.Token))
            {
                return null;
            }

            var frame = (Opcode: (byte)(_pending[0] & 0x0F), Final: (_pending[0] & 0x80) != 0, Payload: _pending.GetRange(header, (int)length).ToArray());
            _pending.RemoveRange(0, header + (int)length);
            return frame;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return null;
        }
    }

    /// <summary>Frames until the server closes the connection (after its close frame, if it sends one).</summary>
    public async Task<List<(byte Opcode, byte[] Payload)>> ReadUntilClosedAsync(TimeSpan? timeout = null)
    {
        var frames = new List<(byte, byte[])>();
        while (await ReadFrameAsync(timeout) is { } frame)
        {
            frames.Add((frame.Opcode, frame.Payload));
        }

        return frames;
    }

    private async Task<bool> FillAsync(int count, CancellationToken ct)
    {
        var buffer = new byte[4096];
        while (_pending.Count < count)
        {
            var n = await _stream.ReadAsync(buffer, ct);
            if (n == 0)
            {
                return false;
            }

            _pending.AddRange(buffer.AsSpan(0, n));
        }

        return true;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
