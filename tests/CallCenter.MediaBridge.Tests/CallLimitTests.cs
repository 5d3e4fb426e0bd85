using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using CallCenter.Core.Tenants;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Simulators;
using CallCenter.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The limits every stream lives under: silence, length, sockets waiting for start, and where metrics are served.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallLimitTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_call_whose_twilio_socket_goes_silent_is_hung_up_once_and_its_openai_session_closed()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 },
            new Dictionary<string, string?> { ["MediaBridge:IdleTimeout"] = "00:00:01" });
        var (callSid, _) = await h.SeedCallAsync();

        // Hears the greeting (its marks are echoed), then sends nothing more.
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), [new CallerStep.WaitUntilHeard(200)]));
        await call.Completion.WaitAsync(Timeout);
        var metrics = await h.WaitUntilIdleAsync();

        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.Equal(0, h.OpenAi.ActiveSessions);
        Assert.Equal(0, metrics.OpenSockets);
        Assert.Equal(0, metrics.BackgroundTasks);
    }

    [Fact]
    public async Task A_caller_who_keeps_sending_audio_is_not_idle()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 },
            new Dictionary<string, string?> { ["MediaBridge:IdleTimeout"] = "00:00:01" });
        var (callSid, _) = await h.SeedCallAsync();
        var options = h.CallOptions(callSid, h.Token(callSid), [new CallerStep.Send(CallerAudio.Silence(3000)), new CallerStep.HangUp()]) with { Pacing = Pacing.RealTime };

        var call = await h.CallAsync(options);
        await call.Completion.WaitAsync(Timeout);
        await h.WaitUntilIdleAsync();

        Assert.Equal(0, h.Twilio.HangupsFor(callSid));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, call.CloseStatus);
    }

    [Fact]
    public async Task A_call_that_reaches_the_tenants_limit_hears_a_closing_line_then_one_hangup()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200, ReplyMs = 600 });
        var tenants = h.Service<TenantStore>();
        await tenants.SaveAsync((await tenants.GetAsync(h.TenantId))! with { MaxCallSeconds = 5 });
        var (callSid, _) = await h.SeedCallAsync();
        var options = h.CallOptions(callSid, h.Token(callSid), [new CallerStep.Send(CallerAudio.Silence(30_000))]) with { Pacing = Pacing.RealTime };
        var clock = Stopwatch.StartNew();

        var call = await h.CallAsync(options);
        await call.Completion.WaitAsync(Timeout);
        var lasted = clock.Elapsed;
        await h.WaitUntilIdleAsync();

        Assert.Equal(2, h.OpenAi.ResponseCreates); // the greeting and the closing line
        Assert.True(call.PlayedMs >= 200 + 600, $"the closing line was played ({call.PlayedMs} ms heard)");
        Assert.Equal(1, h.Twilio.HangupsFor(callSid));
        Assert.InRange(lasted, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(25));
    }

    [Fact]
    public void A_tenant_limit_beyond_openais_session_cap_is_invalid()
    {
        var tenant = new Core.Tenants.Tenant { Id = "acme-limits", Name = "Acme" };

        Assert.Equal(3600, tenant.MaxCallSeconds);
        Assert.Empty(tenant.Validate());
        Assert.NotEmpty((tenant with { MaxCallSeconds = 3601 }).Validate());
        Assert.NotEmpty((tenant with { MaxCallSeconds = 0 }).Validate());
    }

    [Fact]
    public async Task Sockets_beyond_the_limit_waiting_for_start_are_refused_and_the_rest_time_out()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript { GreetingMs = 200 },
            new Dictionary<string, string?> { ["MediaBridge:MaxSocketsAwaitingStart"] = "3", ["MediaBridge:StartTimeout"] = "00:00:03" });
        var sockets = new List<RawMediaSocket>();
        for (var i = 0; i < 5; i++)
        {
            sockets.Add(await RawMediaSocket.ConnectAsync(h));
        }

        var clock = Stopwatch.StartNew();
        var closes = await Task.WhenAll(sockets.Select(async s => (Status: await s.WaitForCloseAsync(Timeout), At: clock.Elapsed)));
        foreach (var s in sockets)
        {
            await s.DisposeAsync();
        }

        var (callSid, _) = await h.SeedCallAsync();
        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), [new CallerStep.WaitUntilHeard(200), new CallerStep.HangUp()]));
        await call.Completion.WaitAsync(Timeout);

        Assert.Equal(2, closes.Count(c => c.Status == (WebSocketCloseStatus)1013 && c.At < TimeSpan.FromSeconds(2)));
        // A receive cancelled by the start timeout aborts the socket: those connections are dropped, not closed.
        Assert.Equal(3, closes.Count(c => c.Status is null or WebSocketCloseStatus.PolicyViolation && c.At >= TimeSpan.FromSeconds(2)));
        Assert.True(call.PlayedMs >= 200, "a socket that comes once the others are gone is served");
    }

    [Fact]
    public async Task Metrics_health_and_readiness_answer_on_the_internal_port_only()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript());
        var publicRoot = new Uri($"http://127.0.0.1:{h.MediaUrl.Port}");
        using var http = new HttpClient();

        foreach (var path in new[] { "/metrics", "/healthz", "/readyz" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(publicRoot, path))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(h.BaseUrl, path))).StatusCode);
        }

        // The Host header names the internal port, the connection does not: still refused.
        using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri(publicRoot, "/metrics"));
        forged.Headers.Host = $"127.0.0.1:{h.BaseUrl.Port}";
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task The_hosts_shutdown_timeout_follows_the_configured_grace()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript(),
            new Dictionary<string, string?> { ["MediaBridge:ShutdownGraceSeconds"] = "600" });
        var bridge = h.Service<IOptions<MediaBridgeOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(595), h.Service<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.True(bridge.ClosingLinesAfter + bridge.GoodbyeTimeout < bridge.ShutdownTimeout);
    }
}
