using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace CallCenter.Calls.Tests;

/// <summary>
/// A TCP relay in front of Azurite's table endpoint that holds, and never forwards, a request whose first line
/// matches <see cref="Hold"/>: the storage stand-in of a slow provider answer. A host killed while such a write
/// waits has made every write before it and none after it, as a crash exactly there does.
/// </summary>
public sealed partial class HoldingTableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _tablePort;
    private readonly CancellationTokenSource _stop = new();

    private HoldingTableProxy(int tablePort) => _tablePort = tablePort;

    /// <summary>Given a request line (<c>PUT /account/table(…) HTTP/1.1</c>): true to hold it.</summary>
    public Func<string, bool>? Hold { get; set; }

    /// <summary>The first request line held.</summary>
    public TaskCompletionSource<string> Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The storage connection string with its table endpoint moved to this relay.</summary>
    public string ConnectionString { get; private set; } = "";

    public static HoldingTableProxy Start(string storageConnectionString)
    {
        var tablePort = int.Parse(TablePort().Match(storageConnectionString).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var proxy = new HoldingTableProxy(tablePort);
        proxy._listener.Start();
        var port = ((IPEndPoint)proxy._listener.LocalEndpoint).Port;
        proxy.ConnectionString = TablePort().Replace(storageConnectionString, $"TableEndpoint=http://127.0.0.1:{port}/");
        _ = proxy.AcceptAsync();
        return proxy;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                _ = RelayAsync(await _listener.AcceptTcpClientAsync(_stop.Token));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var table = new TcpClient())
        {
            try
            {
                await table.ConnectAsync(IPAddress.Loopback, _tablePort, _stop.Token);
                await Task.WhenAny(PumpAsync(client.GetStream(), table.GetStream(), inspect: true), PumpAsync(table.GetStream(), client.GetStream(), inspect: false));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool inspect)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            // The client sends one request at a time on a connection, so a read that follows an answer starts a request.
            if (inspect && Hold is { } hold)
            {
                var line = Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 2048)).Split("\r\n")[0];
                if (hold(line))
                {
                    Held.TrySetResult(line);
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }

    [GeneratedRegex(@"TableEndpoint=http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex TablePort();
}
