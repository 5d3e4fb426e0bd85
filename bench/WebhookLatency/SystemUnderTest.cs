using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using CallCenter.DevServices;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// The process under test, pinned to its core: the local host of a build (this checkout's or an older one's
/// Release output), or the bare engine (<c>serve-engine</c>, this bench's own process image with the local
/// host's runtime settings).
/// </summary>
internal sealed partial class SystemUnderTest : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-0123456789abcdef0123456789";
    public const string Number = "+15550009000";
    private readonly StringBuilder _output = new();
    private readonly ConcurrentQueue<(DateTime At, string Path, double Ms)> _served = new();
    private readonly Process _process;
    private readonly Channel<string?> _lines = Channel.CreateUnbounded<string?>();

    private SystemUnderTest(string label, Process process, HttpClient? http)
    {
        Label = label;
        _process = process;
        Http = http;
        process.OutputDataReceived += (_, e) => Received(e.Data);
        process.ErrorDataReceived += (_, e) => Received(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Label { get; }
    public int ProcessId => _process.Id;

    /// <summary>The local host's routes; null for the bare engine.</summary>
    public HttpClient? Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The local host of the checkout at <paramref name="root"/>, from its Release build.</summary>
    public static async Task<SystemUnderTest> StartHostAsync(string label, string root, BenchOptions options, AzuriteServer azurite, StandIns standIns)
    {
        var dll = Path.Combine(root, "local", "bin", "Release", "net10.0", "CallCenter.Local.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"no Release build of the local host at {dll} (dotnet build -c Release local)");
        }

        var port = AzuriteServer.FreePort();
        var start = Start(options, ["dotnet", dll, "--no-call", "--port", port.ToString(CultureInfo.InvariantCulture)], azurite);
        foreach (var (name, value) in standIns.HostEnvironment)
        {
            start.Environment[name] = value;
        }

        start.Environment["Auth__AdminKey"] = AdminKey;
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        var system = new SystemUnderTest(label, Process.Start(start)!, http);
        try
        {
            await system.WaitHealthyAsync(options);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private async Task WaitHealthyAsync(BenchOptions options)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the local host ({Label}) did not start:\n{Output}");
            }

            try
            {
                if ((await Http!.GetAsync("api/health")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        // The bench's tenant: its number records only when the calls send a recording callback, so that every
        // call's workflow runs to its end within the run either way.
        using var tenant = new HttpRequestMessage(HttpMethod.Put, "api/tenants/bench")
        {
            Content = JsonContent.Create(new { name = "Bench", voiceNumbers = new[] { Number }, unrecordedNumbers = options.Recording ? Array.Empty<string>() : [Number] }),
        };
        tenant.Headers.Add("X-Api-Key", AdminKey);
        (await Http.SendAsync(tenant)).EnsureSuccessStatusCode();
    }

    /// <summary>The bare engine running <see cref="BenchOptions.ShapeOrDefault"/>, started with the local host's runtime settings.</summary>
    public static async Task<SystemUnderTest> StartBareAsync(BenchOptions options, AzuriteServer azurite)
    {
        var runtimeConfig = Path.Combine(AppContext.BaseDirectory, "CallCenter.Local.runtimeconfig.json");
        var start = Start(
            options,
            ["dotnet", "exec", "--runtimeconfig", runtimeConfig, typeof(SystemUnderTest).Assembly.Location, "serve-engine", azurite.ConnectionString, options.TaskHub, options.ShapeOrDefault],
            azurite);
        start.RedirectStandardInput = true;
        // As the local stack sets it: the worker's idle stream reconnects are not news.
        start.Environment["Logging__LogLevel__Microsoft.DurableTask"] = "Error";
        var system = new SystemUnderTest("bare engine", Process.Start(start)!, null);
        while (await system.NextLineAsync(TimeSpan.FromMinutes(2)) is var line && line != "ready")
        {
            if (line is null)
            {
                await system.DisposeAsync();
                throw new InvalidOperationException($"the bare engine did not start:\n{system.Output}");
            }
        }

        return system;
    }

    /// <summary>The bare engine starts <paramref name="count"/> orchestrations and raises their events; returns once it has.</summary>
    public async Task DriveBareAsync(uint tag, int count, int concurrency)
    {
        await _process.StandardInput.WriteLineAsync($"run {tag} {count} {concurrency}");
        await _process.StandardInput.FlushAsync();
        while (await NextLineAsync(TimeSpan.FromMinutes(10)) is var line && line != $"driven {tag}")
        {
            if (line is null)
            {
                throw new InvalidOperationException($"the bare engine stopped:\n{Output}");
            }
        }
    }

    private static ProcessStartInfo Start(BenchOptions options, string[] command, AzuriteServer azurite)
    {
        var start = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(options.HostCore.ToString(CultureInfo.InvariantCulture));
        foreach (var part in command)
        {
            start.ArgumentList.Add(part);
        }

        start.Environment["Storage__ConnectionString"] = azurite.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        if (options.ServerTimes)
        {
            start.Environment["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        }

        if (options.PerfMap)
        {
            // Names JIT-compiled frames for `perf record -p <pid>`.
            start.Environment["DOTNET_PerfMapEnabled"] = "1";
            start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }

        foreach (var setting in options.Environment)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            start.Environment[setting[..equals]] = setting[(equals + 1)..];
        }

        return start;
    }

    /// <summary>The host's own time for each request to <paramref name="path"/> finished between the two moments (with <see cref="BenchOptions.ServerTimes"/>).</summary>
    public List<double> Served(string path, DateTime from, DateTime to) =>
        _served.Where(s => s.Path == path && s.At >= from && s.At <= to).Select(s => s.Ms).Order().ToList();

    private void Received(string? line)
    {
        if (line is not null && RequestFinished().Match(line) is { Success: true } finished)
        {
            _served.Enqueue((DateTime.UtcNow, new Uri(finished.Groups["url"].Value).AbsolutePath,
                double.Parse(finished.Groups["ms"].Value, CultureInfo.InvariantCulture)));
        }

        lock (_output)
        {
            if (line is not null)
            {
                _output.AppendLine(line);
            }

        }

        _lines.Writer.TryWrite(line);
    }

    private async Task<string?> NextLineAsync(TimeSpan timeout)
    {
        // Null when the process's output ends (it exited) or nothing comes in time.
        try
        {
            return await _lines.Reader.ReadAsync().AsTask().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    // ASP.NET Core's hosting log: "Request finished HTTP/1.1 POST http://127.0.0.1:5000/api/twilio/voice - 200 - … 4.8512ms".
    [GeneratedRegex(@"Request finished HTTP/\S+ \S+ (?<url>\S+) .* (?<ms>[0-9.]+)ms$")]
    private static partial Regex RequestFinished();
}
