using Azure.Core;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Events;
using CallCenter.Core.Hosting;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using CallCenter.Core.Webhooks;
using CallCenter.Core.Workflow;
using CallCenter.Fakes;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Calls.Tests;

/// <summary>
/// The voice webhook's own storage work, counted at the storage client: the caller waits on it, so it is the call
/// and its index written, and nothing else (no engine, whose client is not even among its collaborators). And the
/// reads the call's end makes before the status callback answers.
/// </summary>
[Collection(CallCenterCollection.Name)]
public sealed class VoiceWebhookStorageTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task A_new_inbound_call_costs_the_voice_webhook_two_storage_requests_sent_together_and_starts_no_workflow()
    {
        var tenant = await _host.NewTenantAsync();
        var requests = new StorageRequestLog();
        await using var services = Services(requests);
        var voice = services.GetRequiredService<VoiceWebhookHandler>();

        // A running instance knows the number's tenant and a caller's lead once it has seen them: one call first.
        Assert.Equal(200, (await voice.HandleAsync(Signed(TwilioCall.Voice(TwilioCall.NewCallSid(), tenant.VoiceNumbers[0])))).StatusCode);
        requests.Clear();
        requests.HoldUntilInFlight(2);
        var callSid = TwilioCall.NewCallSid();

        var answer = await voice.HandleAsync(Signed(TwilioCall.Voice(callSid, tenant.VoiceNumbers[0])));

        Assert.Equal(200, answer.StatusCode);
        Assert.Contains("<Connect>", answer.Body, StringComparison.Ordinal);
        // The CallSid's claim inserted (no read before it) and the call with its index rows in one transaction, both
        // on the wire at once: the caller waits one storage round trip.
        Assert.Equal(new[] { $"POST {Table("CallIndex")}", "POST $batch" }.Order(StringComparer.Ordinal), requests.Requests.Order(StringComparer.Ordinal));
        Assert.Equal(2, requests.MostInFlight);
        Assert.NotNull(await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid));
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
    }

    [Fact]
    public async Task A_repeated_voice_webhook_finds_the_call_it_created_and_adds_no_second_call_or_index_row()
    {
        var tenant = await _host.NewTenantAsync();
        var requests = new StorageRequestLog();
        await using var services = Services(requests);
        var voice = services.GetRequiredService<VoiceWebhookHandler>();
        var callSid = TwilioCall.NewCallSid();
        await voice.HandleAsync(Signed(TwilioCall.Voice(callSid, tenant.VoiceNumbers[0])));
        var stored = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);

        var again = await voice.HandleAsync(Signed(TwilioCall.Voice(callSid, tenant.VoiceNumbers[0])));

        Assert.Equal(200, again.StatusCode);
        Assert.Contains("<Connect>", again.Body, StringComparison.Ordinal);
        var after = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);
        Assert.Equal(stored!.CreatedAt, after!.CreatedAt);
        Assert.Single((await _host.Get<CallLogStore>().ListNewestFirstAsync(tenant.Id, new CallListFilter(), null, 10)).Items, c => c.CallSid == callSid);
    }

    [Fact]
    public async Task A_call_end_reads_the_parked_recording_and_the_callbacks_its_agent_asked_for_at_once()
    {
        var tenant = await _host.NewTenantAsync();
        var requests = new StorageRequestLog();
        await using var services = Services(requests);
        var callSid = TwilioCall.NewCallSid();
        await services.GetRequiredService<VoiceWebhookHandler>().HandleAsync(Signed(TwilioCall.Voice(callSid, tenant.VoiceNumbers[0])));
        var signals = services.GetRequiredService<CallWorkflowSignals>().For(_host.Durable);
        await services.GetRequiredService<TenantCache>().GetAsync(tenant.Id);
        requests.Clear();
        requests.HoldUntilInFlight(2);

        await signals.CallEndedAsync(tenant.Id, callSid, new CallEnded("completed", 3));

        // The plan's look for a recording parked before the end, and the query for the agent's callbacks, on the wire
        // together: the status callback waits one storage round trip for both.
        Assert.Equal(2, requests.Requests.Count);
        Assert.Contains(requests.Requests, r => r.StartsWith($"GET {Table("CallIndex")}(", StringComparison.Ordinal));
        Assert.Contains($"GET {Table("Callbacks")}()", requests.Requests);
        // The callbacks are a range of the call's own row keys, not a filter the service answers by reading the
        // tenant's every callback.
        Assert.Contains($"PartitionKey eq '{tenant.Id}' and RowKey ge '~call|{callSid}|' and RowKey lt '~call|{callSid}}}'", requests.Filters);
        Assert.Equal(2, requests.MostInFlight);
        // The recording is still to come, and starts the workflow when it does.
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
    }

    private string Table(string name) => _host.Host.App.Configuration["Storage:TablePrefix"] + name;

    private static TwilioWebhook Signed(Dictionary<string, string> form)
    {
        const string url = "https://calls.test/api/twilio/voice";
        return new TwilioWebhook(url, form, TwilioRequestSigner.Sign(CallCenterHost.AuthToken, url, form));
    }

    /// <summary>The product's call services over the test host's tables, with a storage client that logs its requests.</summary>
    private ServiceProvider Services(StorageRequestLog requests)
    {
        var configuration = _host.ProductConfiguration(fixture.StorageConnectionString);
        var options = new TableClientOptions();
        options.AddPolicy(requests, HttpPipelinePosition.PerRetry);
        var services = new ServiceCollection();
        services.AddSingleton(new TableServiceClient(fixture.StorageConnectionString, options));
        services.AddLogging();
        services.AddCallCenterStorage(configuration);
        services.AddCallCenterLiveEvents(configuration).AddCallCenterCalls(configuration).AddCallCenterWorkflow(configuration).AddCallCenterWebhooks(configuration);
        return services.BuildServiceProvider();
    }
}
