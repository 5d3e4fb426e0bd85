using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.Functions.Tests;

/// <summary>
/// One start rule in both hosts: a late, replayed or duplicated callback never restarts or replaces a finished
/// call or WhatsApp workflow, whatever the engine itself would allow.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class StartRuleTests(FunctionsFixture fixture)
{
    [Fact]
    public void Host_json_lets_a_start_replace_no_running_instance()
    {
        // The extension's two values: AnyState would let a start replace a running instance too.
        Assert.Equal("NonRunningStates", FunctionsFixture.HostJson["extensions:durableTask:overridableExistingInstanceStates"]);
    }

    [Fact]
    public async Task Functions_replayed_callbacks_after_a_worker_restart_leave_a_finished_call_workflow_as_it_was()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        var call = await SimulatedCall.PlaceAsync(fixture, tenant.Id, tenant.VoiceNumbers[0]);
        var finished = await call.CompleteAsync(fixture);
        var steps = DurableFunctions.RunsOf(call.InstanceId, nameof(CompleteCall));

        // A fresh worker remembers no started workflows, as after a restart or on another instance.
        using var restarted = fixture.BuildWorker(fixture.WorkerSettings);
        var triggers = new HttpTriggers(restarted.Services, fixture.Durable);
        var baseUrl = fixture.Local.BaseUrl;
        foreach (var replay in new[]
        {
            TwilioCall.Request(baseUrl, "/api/twilio/voice", TwilioCall.Voice(call.CallSid, call.Number)),
            TwilioCall.Request(baseUrl, "/api/twilio/status", TwilioCall.Status(call.CallSid, call.Number, "completed", 3)),
            TwilioCall.Request(baseUrl, "/api/twilio/status", TwilioCall.Status(call.CallSid, call.Number, "in-progress", 2)),
        })
        {
            var answer = await triggers.SendAsync(replay);
            Assert.True(answer.Status is >= 200 and < 300, answer.Body);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await fixture.Durable.GetInstanceAsync(call.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, after!.RuntimeStatus);
        Assert.Equal(finished.CreatedAt, after.CreatedAt);
        Assert.Equal(steps, DurableFunctions.RunsOf(call.InstanceId, nameof(CompleteCall)));
    }

    [Fact]
    public async Task Functions_a_redelivered_WhatsApp_message_is_answered_once_even_after_a_worker_restart()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        var waId = Requests.NewNumber()[1..];
        var wamid = "wamid." + FunctionsFixture.Unique();
        var instanceId = WhatsAppWorkflowNames.InstanceId(wamid);
        Assert.Equal(200, (await fixture.Http.SendAsync(MetaWhatsApp.Request(fixture.Local.BaseUrl, MetaWhatsApp.Text(tenant.MetaPhoneNumberId!, waId, wamid, "Hello")))).Status);
        var finished = await WaitAsync(instanceId);

        using var restarted = fixture.BuildWorker(fixture.WorkerSettings);
        var again = await new HttpTriggers(restarted.Services, fixture.Durable).SendAsync(MetaWhatsApp.Request(fixture.Local.BaseUrl, MetaWhatsApp.Text(tenant.MetaPhoneNumberId!, waId, wamid, "Hello")));

        Assert.Equal(200, again.Status);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(finished.CreatedAt, (await fixture.Durable.GetInstanceAsync(instanceId))!.CreatedAt);
        Assert.Single(fixture.Meta.Sent, m => m.To == waId);
    }

    [Fact]
    public async Task Local_host_replayed_callbacks_leave_a_finished_call_workflow_as_it_was()
    {
        var local = fixture.Local.Services;
        var durable = local.GetRequiredService<DurableTaskClient>();
        var tenant = await TestTenants.NewAsync(local.GetRequiredService<TenantStore>());
        var callSid = TwilioCall.NewCallSid();
        var baseUrl = fixture.Local.BaseUrl;
        Assert.True((await fixture.LocalHttp.SendAsync(TwilioCall.Request(baseUrl, "/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0])))).IsSuccessStatusCode);
        Assert.True((await fixture.LocalHttp.SendAsync(TwilioCall.Request(baseUrl, "/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3)))).IsSuccessStatusCode);
        var instanceId = CallWorkflowNames.InstanceId(callSid);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var finished = await durable.WaitForInstanceCompletionAsync(instanceId, cancellation: timeout.Token);

        // The signals the local host's routes use, as a restarted host has them: nothing remembered.
        var signals = new DurableCallWorkflowSignals(
            durable, local.GetRequiredService<IOptions<CallWorkflowOptions>>(), new KnownCallWorkflows(), local.GetRequiredService<CallWorkflowSteps>(), local.GetRequiredService<CallLogStore>());
        await signals.CallEndedAsync(tenant.Id, callSid, new CallEnded("completed", 42));
        Assert.True((await fixture.LocalHttp.SendAsync(TwilioCall.Request(baseUrl, "/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3)))).IsSuccessStatusCode);

        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await durable.GetInstanceAsync(instanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, after!.RuntimeStatus);
        Assert.Equal(finished.CreatedAt, after.CreatedAt);
        Assert.NotNull((await local.GetRequiredService<CallLogStore>().GetAsync(tenant.Id, callSid))!.WorkflowFinishedAt);
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await fixture.Durable.WaitForInstanceCompletionAsync(instanceId, cancellation: timeout.Token);
    }
}
