using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.DevServices;
using CallCenter.Fakes;
using CallCenter.Simulators;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The bridge as a real process (media-bridge/Program.cs) being scaled in: SIGTERM with calls on it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScaleInTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task On_sigterm_live_calls_go_on_a_new_stream_is_refused_and_the_process_exits_when_the_last_call_ends()
    {
        var prefix = "s" + Guid.NewGuid().ToString("N")[..12];
        await using var storage = await azurite.CreateServicesAsync(settings: new Dictionary<string, string?> { ["Storage:TablePrefix"] = prefix });
        await using var openAi = await FakeRealtimeServer.StartAsync(new FakeRealtimeScript { GreetingMs = 200 });
        await using var twilio = await FakeTwilioApi.StartAsync(BridgeHarness.AccountSid, BridgeHarness.AuthToken);
        await using var liveEvents = await FakeWebPubSub.StartAsync("bridge-test-web-pubsub-key");
        var port = AzuriteServer.FreePort();
        var internalPort = AzuriteServer.FreePort();
        var mediaUrl = new Uri($"ws://127.0.0.1:{port}/media");
        var tenantId = BridgeHarness.NewTenantId();
        await storage.GetRequiredService<TenantStore>().SaveAsync(new Tenant { Id = tenantId, Name = "Acme Plumbing" });
        var tokens = new StreamTokens(Options.Create(new BridgeOptions { StreamUrl = mediaUrl, TokenSigningKey = BridgeHarness.SigningKey }), TimeProvider.System);

        using var bridge = StartBridge(new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = prefix,
            ["Bridge__StreamUrl"] = mediaUrl.ToString(),
            ["Bridge__TokenSigningKey"] = BridgeHarness.SigningKey,
            ["OpenAI__ApiKey"] = "sk-test",
            ["WebPubSub__Endpoint"] = liveEvents.Root.ToString(),
            ["WebPubSub__AccessKey"] = liveEvents.AccessKey,
            ["MediaBridge__OpenAiEndpoint"] = openAi.Endpoint.ToString(),
            ["MediaBridge__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["MediaBridge__InternalPort"] = internalPort.ToString(CultureInfo.InvariantCulture),
            ["MediaBridge__ShutdownGraceSeconds"] = "120",
            ["Twilio__AccountSid"] = BridgeHarness.AccountSid,
            ["Twilio__AuthToken"] = BridgeHarness.AuthToken,
            ["Twilio__ApiBaseUrl"] = twilio.Root.ToString(),
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{internalPort}") };
            await WaitForAsync(async () => (await TryGetAsync(http, "/healthz")) == HttpStatusCode.OK);

            // Two calls of 3 s and 6 s of caller audio at Twilio's pace, then each caller hangs up.
            await using var shorter = await StartCallAsync(storage, tokens, tenantId, mediaUrl, 3_000);
            await using var longer = await StartCallAsync(storage, tokens, tenantId, mediaUrl, 6_000);
            await WaitForAsync(() => Task.FromResult(shorter.PlayedMs >= 200 && longer.PlayedMs >= 200));

            Signal(bridge, "TERM");
            await WaitForAsync(async () => (await TryGetAsync(http, "/readyz")) == HttpStatusCode.ServiceUnavailable);
            var framesAtSigterm = openAi.AppendedFrames;
            var refused = await TryOpenStreamAsync(mediaUrl);

            await shorter.Completion.WaitAsync(Timeout);
            await Task.Delay(500);
            var aliveAfterFirst = !bridge.HasExited;
            await longer.Completion.WaitAsync(Timeout);
            var lastCallEnded = Stopwatch.StartNew();
            await bridge.WaitForExitAsync().WaitAsync(Timeout);
            var exitedAfter = lastCallEnded.Elapsed;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
            Assert.True(aliveAfterFirst, "the process waits for the second call");
            Assert.True(openAi.AppendedFrames > framesAtSigterm + 100, $"audio kept flowing after SIGTERM ({framesAtSigterm} then {openAi.AppendedFrames} frames)");
            Assert.Equal(WebSocketCloseStatus.NormalClosure, shorter.CloseStatus);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, longer.CloseStatus);
            Assert.Equal(0, twilio.TotalHangups);
            Assert.Equal(0, bridge.ExitCode);
            Assert.True(exitedAfter < TimeSpan.FromSeconds(10), $"exited {exitedAfter} after the last call ended");
        }
        finally
        {
            if (!bridge.HasExited)
            {
                bridge.Kill();
            }
        }
    }

    [Fact]
    public async Task A_call_still_live_when_the_shutdown_grace_nears_its_end_hears_a_closing_line_and_is_hung_up_once()
    {
        // Grace 20 s, goodbye backstop 3 s: the closing line is asked for 7 s into the shutdown.
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200, ReplyMs = 600 },
            new Dictionary<string, string?> { ["MediaBridge:ShutdownGraceSeconds"] = "20", ["MediaBridge:GoodbyeTimeout"] = "00:00:03" });
        var (callSid, _) = await h.SeedCallAsync();
        var options = h.CallOptions(callSid, h.Token(callSid), [new CallerStep.Send(CallerAudio.Silence(60_000))]) with { Pacing = Pacing.RealTime };
        var call = await h.CallAsync(options);
        await BridgeHarness.Eventually(() => Task.FromResult(call.PlayedMs), ms => ms >= 200);
        var clock = Stopwatch.StartNew();

        var stopped = h.Bridge.StopAsync();
        await call.Completion.WaitAsync(Timeout);
        await stopped.WaitAsync(Timeout);

        Assert.Equal(2, h.OpenAi.ResponseCreates); // the greeting and the closing line
        Assert.True(call.PlayedMs >= 200 + 600, $"the closing line was played ({call.PlayedMs} ms heard)");
        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(15));
    }

    private static async Task<SimulatedCall> StartCallAsync(ServiceProvider storage, StreamTokens tokens, string tenantId, Uri mediaUrl, int audioMs)
    {
        var (callSid, _) = await BridgeHarness.SeedCallAsync(storage, tenantId);
        return await SimulatedCall.StartAsync(new SimulatedCallOptions
        {
            StreamUrl = mediaUrl,
            AuthToken = BridgeHarness.AuthToken,
            CallSid = callSid,
            Parameters = new Dictionary<string, string> { [StreamTokens.ParameterName] = tokens.Issue(tenantId, callSid, CallDirection.Inbound) },
            Pacing = Pacing.RealTime,
            Script = [new CallerStep.WaitUntilHeard(200), new CallerStep.Send(CallerAudio.Silence(audioMs)), new CallerStep.HangUp()],
        });
    }

    private static async Task<HttpStatusCode?> TryOpenStreamAsync(Uri mediaUrl)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("x-twilio-signature", SimulatedCall.Sign(BridgeHarness.AuthToken, mediaUrl));
        try
        {
            await socket.ConnectAsync(mediaUrl, CancellationToken.None);
            return socket.HttpStatusCode;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    /// <summary>
    /// The bridge built with the tests, or with <c>MEDIA_BRIDGE_EXE</c> set a published one (the Native AOT binary,
    /// docs/runbook.md), so these calls also run against what the container runs.
    /// </summary>
    private static Process StartBridge(Dictionary<string, string> environment)
    {
        var exe = Environment.GetEnvironmentVariable("MEDIA_BRIDGE_EXE");
        var start = new ProcessStartInfo(
            exe is { Length: > 0 } ? exe : "dotnet", exe is { Length: > 0 } ? [] : [Path.Combine(AppContext.BaseDirectory, "CallCenter.MediaBridge.dll")])
        {
            WorkingDirectory = exe is { Length: > 0 } ? Path.GetDirectoryName(Path.GetFullPath(exe))! : AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A POSIX signal, as the container runtime sends it; .NET's Process has no API for anything but SIGKILL.</summary>
    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return (await http.GetAsync(path)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }
}
