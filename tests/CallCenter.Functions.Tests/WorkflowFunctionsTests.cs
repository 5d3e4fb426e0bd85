using System.Globalization;
using System.Text.Json;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;
using CallCenter.Core.Webhooks;
using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Tests;

/// <summary>
/// Every orchestrator and activity function of the app, run by the Durable Task engine on Azurite from the
/// app's own function classes: each workflow on its happy path and with a step that fails.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class WorkflowFunctionsTests(FunctionsFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static readonly string[] CallHappyPath = [CallWorkflowNames.Orchestration, nameof(CompleteCall)];

    // A step failing in CompleteCall hands it and every step after it to their own activities.
    private static readonly string[] CallStepByStep =
        [.. CallHappyPath, nameof(DownloadRecording), nameof(ResolveTranscript), nameof(SummarizeCall), nameof(FinishCall), nameof(RecordCallMetrics), nameof(DeliverCallWebhooks), nameof(PublishCallFinished)];

    [Fact]
    public void The_tests_here_run_every_durable_function_of_the_app()
    {
        string[] covered = [.. CallStepByStep, nameof(PlanCall), nameof(RecordTranscriptFailure), OutboundCallNames.Orchestration, nameof(DialCall),
            WhatsAppWorkflowNames.Orchestration, nameof(LoadWhatsAppHistory), nameof(GenerateWhatsAppReply), nameof(SendWhatsAppReply),
            WebhookDeliveryNames.Orchestration, nameof(DeliverWebhook),
            CallbackWorkflowNames.Orchestration, nameof(DecideCallback), nameof(DialCallback), nameof(RecordCallbackCall), nameof(RunWhatsAppTool)];
        var all = DurableFunctions.Orchestrators.Concat(DurableFunctions.Activities).Select(DurableFunctions.NameOf);
        Assert.Equal(all.Order(), covered.Order());
    }

    [Fact]
    public async Task The_call_workflow_stores_the_recording_transcribes_and_summarizes_the_call()
    {
        var call = await CallAsync();

        var done = await call.CompleteAsync(fixture);

        AssertCompleted(done);
        var result = done.ReadOutputAs<CallWorkflowResult>()!;
        Assert.Equal("completed", result.EndStatus);
        Assert.NotNull(result.RecordingBlobPath);
        Assert.Equal(TranscriptSource.Recording, result.TranscriptSource);
        Assert.True(result.Summarized);
        var row = await fixture.Get<CallLogStore>().GetAsync(call.TenantId, call.CallSid);
        Assert.NotNull(row!.WorkflowFinishedAt);
        Assert.NotNull(row.Summary);
        Assert.NotNull(row.Cost);
        Assert.NotNull(row.TranscriptionUsage);
        Assert.True(DurableFunctions.RanFor(call.InstanceId).SetEquals(CallHappyPath));
    }

    [Fact]
    public async Task The_call_workflow_takes_a_step_that_failed_transiently_and_the_steps_after_it_one_activity_each()
    {
        var call = await CallAsync();
        fixture.Twilio.TransientFailures = 1;

        var done = await call.CompleteAsync(fixture);

        AssertCompleted(done);
        var result = done.ReadOutputAs<CallWorkflowResult>()!;
        Assert.NotNull(result.RecordingBlobPath);
        Assert.Equal(TranscriptSource.Recording, result.TranscriptSource);
        Assert.True(result.Summarized);
        Assert.True(DurableFunctions.RanFor(call.InstanceId).SetEquals(CallStepByStep));
        var row = await fixture.Get<CallLogStore>().GetAsync(call.TenantId, call.CallSid);
        Assert.NotNull(row!.WorkflowFinishedAt);
        Assert.NotNull(row.Cost);
    }

    [Fact]
    public async Task A_call_workflow_of_the_earlier_shape_waits_for_the_end_and_plans_in_its_first_step()
    {
        var call = await CallAsync();
        var tenantId = call.TenantId;
        await fixture.Durable.ScheduleNewOrchestrationInstanceAsync(
            CallWorkflowNames.Orchestration, new CallWorkflowInput(tenantId, call.CallSid, new CallWorkflowTimings { RecordingTimeout = TimeSpan.FromSeconds(30) }),
            new Microsoft.DurableTask.StartOrchestrationOptions(call.InstanceId));

        var done = await call.CompleteAsync(fixture);

        AssertCompleted(done);
        Assert.Contains(nameof(PlanCall), DurableFunctions.RanFor(call.InstanceId));
        Assert.Equal("completed", done.ReadOutputAs<CallWorkflowResult>()!.EndStatus);
    }

    [Fact]
    public async Task The_call_workflow_records_a_failed_transcription_and_still_finishes_the_call()
    {
        fixture.OpenAi.RejectTranscriptions = true;
        try
        {
            var call = await CallAsync();
            fixture.Log.Clear();

            var done = await call.CompleteAsync(fixture);

            AssertCompleted(done);
            Assert.Equal(TranscriptSource.Failed, done.ReadOutputAs<CallWorkflowResult>()!.TranscriptSource);
            var row = await fixture.Get<CallLogStore>().GetAsync(call.TenantId, call.CallSid);
            Assert.Equal(TranscriptSource.Failed, row!.TranscriptSource);
            Assert.False(string.IsNullOrEmpty(row.TranscriptFailure));
            Assert.NotNull(row.WorkflowFinishedAt);
            Assert.Contains(nameof(RecordTranscriptFailure), DurableFunctions.RanFor(call.InstanceId));
            Assert.DoesNotContain(nameof(SummarizeCall), DurableFunctions.RanFor(call.InstanceId));

            // Logged once, however often the orchestration replayed after the failure.
            var logged = Assert.Single(fixture.Log.Lines, l => l.Message.Contains(call.CallSid, StringComparison.Ordinal) && l.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
            Assert.Contains(nameof(ResolveTranscript), logged.Message, StringComparison.Ordinal);
        }
        finally
        {
            fixture.OpenAi.RejectTranscriptions = false;
        }
    }

    [Fact]
    public async Task The_outbound_workflow_dials_the_lead_through_Twilio()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        var to = Requests.NewNumber();

        var placed = await fixture.Http.SendAsync(Requests.Api(fixture.Local.BaseUrl, HttpMethod.Post, $"/api/tenants/{tenant.Id}/calls", TestKeys.AdminKey, new { to }));

        Assert.True(placed.Status == 202, placed.Body);
        var callId = JsonDocument.Parse(placed.Body).RootElement.GetProperty("id").GetString()!;
        var instanceId = OutboundCallNames.InstanceId(callId);
        var done = await WaitAsync(instanceId);
        AssertCompleted(done);
        var callSid = done.ReadOutputAs<string>()!;
        Assert.Contains(fixture.Twilio.CreatedCalls, c => c["To"] == to && c["From"] == tenant.VoiceNumbers[0]);
        Assert.Equal(CallDirection.Outbound, (await fixture.Get<CallLogStore>().GetAsync(tenant.Id, callSid))!.Direction);
        Assert.True(DurableFunctions.RanFor(instanceId).SetEquals([OutboundCallNames.Orchestration, nameof(DialCall)]));
    }

    [Fact]
    public async Task The_outbound_workflow_fails_on_a_call_it_does_not_know_without_dialing()
    {
        var before = fixture.Twilio.CreatedCalls.Count;
        var instanceId = await fixture.Durable.ScheduleNewOrchestrationInstanceAsync(OutboundCallNames.Orchestration, "unknown-" + FunctionsFixture.Unique());

        var done = await WaitAsync(instanceId);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        // The sidecar reports the activity's failure as the orchestration's output.
        Assert.Contains("is unknown", done.FailureDetails?.ErrorMessage ?? done.SerializedOutput, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Twilio.CreatedCalls.Count);
        Assert.Contains(nameof(DialCall), DurableFunctions.RanFor(instanceId));
    }

    [Fact]
    public async Task The_WhatsApp_workflow_answers_a_message_through_Meta_and_stores_the_reply()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        var waId = Requests.NewNumber()[1..];
        var wamid = "wamid." + FunctionsFixture.Unique();

        var answer = await fixture.Http.SendAsync(MetaWhatsApp.Request(fixture.Local.BaseUrl, MetaWhatsApp.Text(tenant.MetaPhoneNumberId!, waId, wamid, "Do you open on Sunday?")));

        Assert.Equal(200, answer.Status);
        var instanceId = WhatsAppWorkflowNames.InstanceId(wamid);
        var done = await WaitAsync(instanceId);
        AssertCompleted(done);
        var sent = Assert.Single(fixture.Meta.Sent, m => m.To == waId);
        Assert.Equal(done.ReadOutputAs<WhatsAppReplyResult>()!.ProviderMessageId, sent.MessageId);
        Assert.True(DurableFunctions.RanFor(instanceId).SetEquals([WhatsAppWorkflowNames.Orchestration, nameof(LoadWhatsAppHistory), nameof(GenerateWhatsAppReply), nameof(SendWhatsAppReply)]));
    }

    [Fact]
    public async Task The_WhatsApp_workflow_fails_for_a_tenant_that_is_gone_and_sends_nothing()
    {
        var before = fixture.Meta.SendCount;
        var message = new WhatsAppMessageRef("gone" + FunctionsFixture.Unique(), "conv", "row", WhatsAppProvider.Meta, "15557654321");
        var instanceId = await fixture.Durable.ScheduleNewOrchestrationInstanceAsync(WhatsAppWorkflowNames.Orchestration, new WhatsAppReplyInput(message));

        var done = await WaitAsync(instanceId);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(before, fixture.Meta.SendCount);
        Assert.Contains(nameof(GenerateWhatsAppReply), DurableFunctions.RanFor(instanceId));
        Assert.DoesNotContain(nameof(SendWhatsAppReply), DurableFunctions.RanFor(instanceId));
    }

    [Fact]
    public async Task A_finished_call_starts_its_webhook_delivery_which_retries_and_ends_failed_at_an_endpoint_that_never_answers()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        // Port 9 (discard) on loopback: nothing listens, every attempt is refused.
        await fixture.Get<WebhookStore>().CreateEndpointAsync(tenant.Id, new Uri("http://127.0.0.1:9/hook"), [WebhookEventTypes.CallCompleted]);
        var call = await SimulatedCall.PlaceAsync(fixture, tenant.Id, tenant.VoiceNumbers[0]);

        AssertCompleted(await call.CompleteAsync(fixture));

        // The deliveries are started by CompleteCall's webhooks step (its own activity only after a failure).
        Assert.Contains(nameof(CompleteCall), DurableFunctions.RanFor(call.InstanceId));
        var delivery = Assert.Single((await fixture.Get<WebhookStore>().ListDeliveriesAsync(tenant.Id, null, 10)).Items);
        var instanceId = WebhookDeliveryNames.InstanceId(delivery.Id);
        var done = await WaitAsync(instanceId);
        AssertCompleted(done);
        Assert.Equal(WebhookDeliveryStatus.Failed, done.ReadOutputAs<WebhookDeliveryStatus>());
        var stored = (await fixture.Get<WebhookStore>().GetDeliveryAsync(tenant.Id, delivery.Id))!;
        Assert.True(stored.Attempts.Count >= 2 && stored.Attempts.All(a => a.StatusCode is null && a.Error is not null), string.Join("; ", stored.Attempts));
        Assert.True(DurableFunctions.RanFor(instanceId).SetEquals([WebhookDeliveryNames.Orchestration, nameof(DeliverWebhook)]));
    }

    [Fact]
    public async Task A_callback_waits_for_its_time_then_dials_the_lead_once()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        var phone = Requests.NewNumber();
        var lead = (await fixture.Get<LeadStore>().GetOrCreateByPhoneAsync(tenant.Id, phone, LeadSources.Api)).Lead;
        var at = DateTimeOffset.UtcNow.AddSeconds(3);
        var (callback, errors, _) = await fixture.Get<CallbackRequests>().RequestAsync(tenant, lead.Id, at.ToString("O", CultureInfo.InvariantCulture), "asked on the phone", CallbackSources.Api);
        Assert.Empty(errors);

        Assert.True(await fixture.Durable.StartAsync(callback!));
        var instanceId = CallbackWorkflowNames.InstanceId(callback!.Id);
        var done = await WaitAsync(instanceId);

        AssertCompleted(done);
        Assert.Equal(CallbackStatuses.Dialed, done.ReadOutputAs<string>());
        var dial = Assert.Single(fixture.Twilio.CreatedCalls, c => c["To"] == phone);
        Assert.True(fixture.Twilio.CallCreatedAt[dial["Sid"]] >= callback.ScheduledFor);
        Assert.True(DurableFunctions.RanFor(instanceId).SetEquals([CallbackWorkflowNames.Orchestration, nameof(DecideCallback), nameof(DialCallback), nameof(RecordCallbackCall)]));
    }

    [Fact]
    public async Task The_WhatsApp_workflow_runs_the_schedule_callback_the_model_asks_for_and_its_callback_dials_once()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        var waId = Requests.NewNumber()[1..];
        var wamid = "wamid." + FunctionsFixture.Unique();
        var at = DateTimeOffset.UtcNow.AddSeconds(15).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

        var answer = await fixture.Http.SendAsync(MetaWhatsApp.Request(fixture.Local.BaseUrl, MetaWhatsApp.Text(tenant.MetaPhoneNumberId!, waId, wamid, $"Please call me back at {at}")));

        Assert.Equal(200, answer.Status);
        var instanceId = WhatsAppWorkflowNames.InstanceId(wamid);
        AssertCompleted(await WaitAsync(instanceId));
        Assert.Contains(nameof(RunWhatsAppTool), DurableFunctions.RanFor(instanceId));
        Assert.StartsWith(Fakes.FakeWhatsAppAgent.Scheduled, Assert.Single(fixture.Meta.Sent, m => m.To == waId).Text, StringComparison.Ordinal);
        var callback = Assert.Single((await fixture.Get<CallbackStore>().ListPageAsync(tenant.Id, null, null, 10)).Items);
        Assert.Equal(CallbackSources.WhatsApp, callback.Source);
        var done = await WaitAsync(CallbackWorkflowNames.InstanceId(callback.Id));
        AssertCompleted(done);
        Assert.Equal(CallbackStatuses.Dialed, done.ReadOutputAs<string>());
        Assert.Single(fixture.Twilio.CreatedCalls, c => c["To"] == "+" + waId);
    }

    private void AssertCompleted(OrchestrationMetadata done) =>
        Assert.True(
            done.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{done.InstanceId} {done.RuntimeStatus}: {done.FailureDetails} {done.SerializedOutput}\n" + string.Join('\n', fixture.Log.Lines.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).TakeLast(10)));

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await fixture.Durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
    }

    private async Task<SimulatedCall> CallAsync()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        return await SimulatedCall.PlaceAsync(fixture, tenant.Id, tenant.VoiceNumbers[0]);
    }
}
