using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Core.Auth;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Local.Host;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.Calls.Tests;

/// <summary>
/// The workflow's numbers of a call on the local host (Azurite, the Durable engine): its cost by the price table,
/// its outcome, and the tenant's day counted once; the analytics route; the price table's start-up check.
/// </summary>
[Collection(CallCenterCollection.Name)]
public sealed class CallMetricsTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task A_finished_call_is_priced_and_counted_once_under_duplicate_completed_callbacks_and_a_replayed_step()
    {
        var tenant = await _host.NewTenantAsync(TranscriptionPolicy.FallbackToRecording);
        var (callSid, recordingSid) = (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid());
        await _host.AnsweredCallAsync(tenant, callSid, recordingSid);

        // Twilio retries: the completed status twice more, each raising CallEnded again.
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3));
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 4));
        await WaitAsync(callSid);

        // The step run again, as after a crash between its work and the engine's record of it.
        Assert.False(await _host.Get<CallMetricsRecorder>().RecordAsync(new CallMetricsInput(tenant.Id, callSid, 1)));

        var call = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!;
        Assert.Equal(CallOutcomes.Completed, call.Outcome);
        Assert.Equal(new PricingOptions().Version, call.Cost!.PriceTable);
        Assert.Equal("gpt-4o-mini", call.SummaryUsage!.Model);
        Assert.True(call.SummaryUsage.InputTokens > 0 && call.SummaryUsage.OutputTokens > 0);

        // 42 s of call and 1 s of recording: one started minute each.
        var twilio = Assert.Single(call.Cost.Lines, l => l.Item == "twilio inbound call");
        Assert.Equal((1m, 0.0085m, 0.0085m), (twilio.Quantity, twilio.UnitPrice, twilio.Amount));
        Assert.Equal(1m, Assert.Single(call.Cost.Lines, l => l.Item == "twilio recording").Quantity);
        Assert.Equal(call.Cost.Lines.Sum(l => l.Amount), call.Cost.Total);

        var today = DateOnly.FromDateTime(call.CreatedAt.UtcDateTime).ToString("yyyy-MM-dd");
        var day = (await AnalyticsAsync(tenant.Id, $"from={today}&to={today}")).GetProperty("days")[0];
        Assert.Equal(1, day.GetProperty("calls").GetInt32());
        Assert.Equal(1, day.GetProperty("outcomes").GetProperty("completed").GetInt32());
        Assert.Equal(1, day.GetProperty("minutes").GetInt32());
        Assert.Equal(call.Cost.Total, day.GetProperty("cost").GetDecimal());

        // The call's detail shows what was stored.
        var detail = await GetAsync($"/api/tenants/{tenant.Id}/calls/{callSid}", tenant.Id);
        Assert.Equal("completed", detail.GetProperty("outcome").GetString());
        Assert.Equal(call.Cost.Total, detail.GetProperty("cost").GetProperty("total").GetDecimal());
        Assert.Equal(1, detail.GetProperty("usage").GetProperty("twilio").GetProperty("callMinutes").GetInt32());
        Assert.Equal(call.SummaryUsage.InputTokens, detail.GetProperty("usage").GetProperty("summary").GetProperty("inputTokens").GetInt64());
    }

    [Fact]
    public async Task The_cost_matches_the_price_table_and_keeps_its_version_after_the_table_changes()
    {
        var tenant = await _host.NewTenantAsync(timeZone: "Asia/Tokyo");

        // 20:00 UTC is 05:00 the next day in Tokyo: the call belongs to the tenant's 2 March.
        var call = TestCalls.Inbound(tenant, createdAt: new DateTimeOffset(2026, 3, 1, 20, 0, 0, TimeSpan.Zero));
        call.Status = CallStatus.Completed;
        call.DurationSeconds = 125;
        call.RecordingSeconds = 61;
        call.RealtimeUsage = new RealtimeUsage("gpt-realtime", 10_000, 50_000, 4_000, 20_000, 2_000, 30_000);
        call.SummaryUsage = new ModelUsage("gpt-4o-mini", 1_000, 200);
        call.Latency = CallLatency.Of([new(DateTimeOffset.UtcNow, 800, LatencyTurn.Greeting), new(DateTimeOffset.UtcNow, 1200, LatencyTurn.Turn)]);
        await _host.Get<CallLogStore>().CreateIfMissingAsync(call);
        var v1 = new PricingOptions { Version = "v1" };

        Assert.True(await Recorder(v1).RecordAsync(new CallMetricsInput(tenant.Id, call.CallSid, null)));

        // Realtime: 6,000 text × $4 + 4,000 cached text × $0.40 + 30,000 audio × $32 + 20,000 cached audio × $0.40
        // + 2,000 output text × $16 + 30,000 output audio × $64 per 1M = $2.9456; summary 1,000 × $0.15 + 200 × $0.60
        // per 1M = $0.00027; Twilio 3 started minutes × $0.0085 + 2 recording minutes × $0.0025 = $0.0305.
        var priced = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, call.CallSid))!.Cost!;
        Assert.Equal(2.97637m, priced.Total);
        Assert.Equal(("USD", "v1"), (priced.Currency, priced.PriceTable));
        Assert.Equal(0.96m, Assert.Single(priced.Lines, l => l.Item == "gpt-realtime input audio").Amount);

        var v2 = new PricingOptions { Version = "v2" };
        v2.Models["gpt-realtime"].OutputAudio = 128m;
        v2.Twilio.InboundMinute = 1m;
        Assert.False(await Recorder(v2).RecordAsync(new CallMetricsInput(tenant.Id, call.CallSid, null)));

        var kept = (await _host.Get<CallLogStore>().GetAsync(tenant.Id, call.CallSid))!.Cost!;
        Assert.Equal((2.97637m, "v1"), (kept.Total, kept.PriceTable));

        var days = (await AnalyticsAsync(tenant.Id, "from=2026-03-01&to=2026-03-02")).GetProperty("days");
        Assert.Equal(0, days[0].GetProperty("calls").GetInt32());
        Assert.Equal("2026-03-02", days[1].GetProperty("date").GetString());
        Assert.Equal(1, days[1].GetProperty("calls").GetInt32());
        Assert.Equal(3, days[1].GetProperty("minutes").GetInt32());
        Assert.Equal(2.97637m, days[1].GetProperty("cost").GetDecimal());
        Assert.Equal(1250, days[1].GetProperty("p95LatencyMs").GetInt32());
    }

    [Fact]
    public async Task The_analytics_route_answers_every_day_with_zeros_and_refuses_bad_ranges_with_400()
    {
        var tenant = await _host.NewTenantAsync();

        var week = await AnalyticsAsync(tenant.Id, "from=2025-12-28&to=2026-01-03");
        Assert.Equal(("2025-12-28", "2026-01-03", "USD"), (week.GetProperty("from").GetString(), week.GetProperty("to").GetString(), week.GetProperty("currency").GetString()));
        var days = week.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(7, days.Count);
        Assert.Equal("2026-01-01", days[4].GetProperty("date").GetString());
        Assert.All(days, d =>
        {
            Assert.Equal(0, d.GetProperty("calls").GetInt32());
            Assert.Equal(0m, d.GetProperty("cost").GetDecimal());
            Assert.Equal(0, d.GetProperty("p95LatencyMs").GetInt32());
            Assert.Equal(0, d.GetProperty("outcomes").GetProperty("noAnswer").GetInt32());
        });
        Assert.Equal(366, (await AnalyticsAsync(tenant.Id, "from=2028-01-01&to=2028-12-31")).GetProperty("days").GetArrayLength());

        foreach (var bad in new[] { "from=2026-03-02&to=2026-03-01", "from=2026-01-01&to=2027-01-02", "from=2026-13-01&to=2026-12-31", "from=yesterday", "to=2026-02-30" })
        {
            using var response = await SendAsync($"/api/tenants/{tenant.Id}/analytics?{bad}", tenant.Id);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, bad);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public void A_price_table_with_a_negative_price_no_version_or_an_unpriced_model_stops_the_host_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = CallCenterHost.AccountSid,
            ["Twilio:AuthToken"] = CallCenterHost.AuthToken,
            ["OpenAI:ApiKey"] = "unused",
            ["OpenAI:ChatModel"] = "gpt-5-mini",
            ["Pricing:Version"] = "",
            ["Pricing:Models:gpt-realtime:OutputAudio"] = "-64",
        }).Build();
        var services = new ServiceCollection().AddCallCenterWorkflow(configuration).BuildServiceProvider();

        // What the host runs before it starts (ValidateOnStart).
        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IStartupValidator>().Validate());

        var message = error is AggregateException all ? string.Join("\n", all.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("Pricing:Version", message, StringComparison.Ordinal);
        Assert.Contains("Pricing:Models:gpt-realtime:OutputAudio", message, StringComparison.Ordinal);
        Assert.Contains("no price for gpt-5-mini", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_week_is_seeded_through_the_workflows_recorder_once_however_often_the_local_run_starts()
    {
        var tenant = await _host.NewTenantAsync();
        await DemoCalls.SeedAsync(_host.Host.Services, tenant.Id, tenant.VoiceNumbers[0]);
        var calls = await _host.Get<CallLogStore>().ListAsync(tenant.Id);

        await DemoCalls.SeedAsync(_host.Host.Services, tenant.Id, tenant.VoiceNumbers[0]);

        Assert.Equal(calls.Count, (await _host.Get<CallLogStore>().ListAsync(tenant.Id)).Count);
        Assert.All(calls, c => Assert.NotNull(c.Cost));
        Assert.True(calls.Select(c => c.Outcome).Distinct().Count() >= 3, "varied outcomes");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var days = (await _host.Get<CallStatsStore>().ListAsync(tenant.Id, today.AddDays(-7), today.AddDays(-1)));
        Assert.All(days, d => Assert.InRange(d.Calls, 3, 8));
        Assert.Equal(calls.Count, days.Sum(d => d.Calls));
        Assert.Equal(calls.Sum(c => c.Cost!.Total), days.Sum(d => d.Cost));
        Assert.Contains(days, d => d.P95LatencyMs > 0);
        // All finished history: nothing for the open-call sweep to start.
        Assert.All(calls, c => Assert.NotNull(c.WorkflowFinishedAt));
        Assert.Empty(await _host.Get<CallLogStore>().ListOpenAsync(tenant.Id, DateTimeOffset.UtcNow));
    }

    private CallMetricsRecorder Recorder(PricingOptions table) =>
        new(_host.Get<TenantCache>(), _host.Get<CallLogStore>(), _host.Get<CallStatsStore>(), Options.Create(table));

    private async Task<JsonElement> AnalyticsAsync(string tenantId, string query) =>
        await GetAsync($"/api/tenants/{tenantId}/analytics?{query}", tenantId);

    private async Task<JsonElement> GetAsync(string path, string tenantId)
    {
        using var response = await SendAsync(path, tenantId);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string tenantId)
    {
        var key = (await _host.Get<ApiKeyService>().IssueAsync(tenantId, "test")).Key;
        return await _host.SendAsync(HttpMethod.Get, path, key);
    }

    private async Task WaitAsync(string callSid)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }
}
