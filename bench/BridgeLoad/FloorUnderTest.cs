using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>
/// The C floor relay (<c>bench/FloorRelay</c>): the bridge's audio translation and nothing else. It reads no
/// signature and no stream token (the callers send placeholders, so their messages keep the bridge's shape), has
/// no health probe (it says on standard output when it listens) and keeps no counters: the calls it holds are its
/// upstream connections, which the generator's OpenAI side counts. Compiled ahead, so there is no JIT to wait for.
/// </summary>
internal sealed class FloorUnderTest : SystemUnderTest
{
    private const string Listening = "c floor relay listening";

    private readonly LoadRealtimeServer _upstream;
    private readonly Task _listening;

    private FloorUnderTest(Uri mediaUrl, Process process, LoadRealtimeServer upstream, Task listening)
        : base(BenchOptions.Floor, mediaUrl, process)
    {
        _upstream = upstream;
        _listening = listening;
    }

    public override bool Jitted => false;

    public override string Signature => "unchecked-by-the-floor";

    /// <summary>
    /// Compiles the relay from the source the build copied next to the bench, into the same folder; returns the
    /// executable's path.
    /// </summary>
    public static async Task<string> BuildAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "FloorRelay");
        var relay = Path.Combine(folder, "floor-relay");
        var gcc = new ProcessStartInfo("gcc", ["-O2", "-Wall", "-o", relay, "floor-relay.c", "-lcrypto"])
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        try
        {
            using var build = Process.Start(gcc)!;
            var errors = await build.StandardError.ReadToEndAsync();
            await build.WaitForExitAsync();
            if (build.ExitCode != 0 || errors.Length > 0)
            {
                throw new InvalidOperationException($"gcc could not build the floor relay (exit code {build.ExitCode}):\n{errors}");
            }
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("the floor relay needs gcc and the libcrypto headers (libssl-dev)", e);
        }

        return relay;
    }

    public static FloorUnderTest Start(string relay, LoadRealtimeServer upstream, BenchOptions options)
    {
        var port = FreePort();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A lifetime of its own, so a relay the bench could not stop does not outlive the session by long.
        var maxSeconds = options.Warmup + options.Seconds + 600;
        var process = StartPinned(
            BenchOptions.Floor, options.Core, relay,
            [
                port.ToString(CultureInfo.InvariantCulture), upstream.WebSocketUrl.ToString(), LoadRealtimeServer.DeltaEvent,
                maxSeconds.ToString(CultureInfo.InvariantCulture),
            ],
            [], line =>
            {
                if (line.StartsWith(Listening, StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
            });
        return new FloorUnderTest(new Uri($"ws://127.0.0.1:{port}/media"), process, upstream, listening.Task);
    }

    public override string StreamToken(string callSid) => "unchecked-by-the-floor";

    public override async Task WaitReadyAsync()
    {
        for (var waited = Stopwatch.StartNew(); !_listening.IsCompleted; await Task.WhenAny(_listening, Task.Delay(100)))
        {
            ThrowIfExited();
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("the floor relay did not say it listens within 30 s");
            }
        }
    }

    public override Task<long> OpenCallsAsync() => Task.FromResult<long>(_upstream.OpenSessions);

    public override Task<BridgeMetricsSnapshot?> MetricsAsync() => Task.FromResult<BridgeMetricsSnapshot?>(null);

    public override async Task<string> SettledAsync()
    {
        for (var i = 0; i < 100 && _upstream.OpenSessions > 0; i++)
        {
            await Task.Delay(100);
        }

        return $"upstream connections {_upstream.OpenSessions}";
    }
}
