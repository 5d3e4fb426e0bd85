using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Events;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.MediaBridge.Sessions;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.MediaBridge.Tests;

public sealed class TranscriptQueueTests
{
    [Fact]
    public void A_full_queue_drops_and_counts_instead_of_waiting()
    {
        var metrics = new BridgeMetrics();
        var queue = new TranscriptQueue(Options.Create(new MediaBridgeOptions { TranscriptQueueCapacity = 16 }), metrics);
        var live = new LiveEvent("CA1", LiveEventKind.Transcript, "Agent", "hi", 1, DateTimeOffset.UnixEpoch);

        var accepted = Enumerable.Range(0, 20).Count(_ => queue.TryEnqueue(new TranscriptItem("t1", null, live)));

        Assert.Equal(16, accepted);
        Assert.Equal(4, metrics.Snapshot().DroppedEvents);
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class ToolRunnerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Lookup_reads_the_preloaded_lead_and_schedule_callback_stores_one_callback_of_this_call_for_a_future_time()
    {
        await using var services = await azurite.CreateServicesAsync();
        var leads = services.GetRequiredService<LeadStore>();
        var (lead, _) = await leads.GetOrCreateByPhoneAsync("acme-tools", "+15551234567", LeadSources.InboundCall, "Dana");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var context = new CallContext(
            new StreamClaims("acme-tools", "CA1", CallDirection.Inbound, time.GetUtcNow().AddMinutes(5)),
            new Tenant { Id = "acme-tools", Name = "Acme" },
            lead,
            new AgentInstructions("x", 1, AgentTools.Voice, "en-US", "alloy"),
            AgentTools.Voice,
            new Dictionary<string, DeclaredTool>());
        var store = services.GetRequiredService<CallbackStore>();
        var runner = new ToolRunner(context, leads, new CallbackRequests(leads, store, time), time);

        var found = await runner.RunAsync(AgentTools.LookupLead, "{}", default);
        var past = await runner.RunAsync(AgentTools.ScheduleCallback, """{"at":"2026-11-24T09:00:00+00:00"}""", default);
        var ok = await runner.RunAsync(AgentTools.ScheduleCallback, """{"at":"2026-11-26T09:00:00+00:00","reason":"quote"}""", default);
        var again = await runner.RunAsync(AgentTools.ScheduleCallback, """{"at":"2026-11-26T09:00:00+00:00","reason":"quote"}""", default);

        Assert.Contains("\"name\":\"Dana\"", found, StringComparison.Ordinal);
        Assert.Contains("error", past, StringComparison.Ordinal);
        Assert.Contains("\"ok\":true", ok, StringComparison.Ordinal);
        var stored = await leads.GetAsync("acme-tools", lead.Id);
        Assert.Contains("Callback requested for 2026-11-26T09:00:00.0000000+00:00: quote", stored!.Notes, StringComparison.Ordinal);
        Assert.Equal(ok, again);
        var callback = Assert.Single(await store.ListRequestedByCallAsync("acme-tools", "CA1"));
        Assert.Equal((CallbackSources.Call, CallbackStatuses.Scheduled, lead.Id), (callback.Source, callback.Status, callback.LeadId));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), callback.ScheduledFor);
    }

    [Fact]
    public async Task End_call_is_answered_with_the_goodbye_note_and_a_failing_tool_as_failed()
    {
        await using var services = await azurite.CreateServicesAsync();
        var context = new CallContext(
            new StreamClaims("acme-tools", "CA2", CallDirection.Inbound, DateTimeOffset.UtcNow.AddMinutes(5)),
            new Tenant { Id = "acme-tools", Name = "Acme" },
            null,
            new AgentInstructions("x", 1, AgentTools.Voice, "en-US", "alloy"),
            AgentTools.Voice,
            new Dictionary<string, DeclaredTool>());
        var runner = new ToolRunner(context, services.GetRequiredService<LeadStore>(), services.GetRequiredService<CallbackRequests>(), TimeProvider.System);
        var failures = new List<Exception>();

        var endCall = await runner.AnswerAsync(new FunctionCall("call_1", AgentTools.EndCall, "{}"), failures.Add, default);
        var broken = await runner.AnswerAsync(new FunctionCall("call_2", AgentTools.UpdateLead, "{not json"), failures.Add, default);

        Assert.Equal(ToolRunner.EndCallOutput, endCall);
        Assert.Equal(ToolRunner.FailedOutput, broken);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(Assert.Single(failures));
    }
}
