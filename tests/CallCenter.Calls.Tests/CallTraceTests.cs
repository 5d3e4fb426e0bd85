using System.Diagnostics;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Workflow;
using Microsoft.DurableTask.Client;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace CallCenter.Calls.Tests;

/// <summary>One simulated call on the local host, its spans read through the host's own tracer provider.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class CallTraceTests(CallCenterFixture fixture)
{
    private static readonly string[] Steps =
        [CallActivities.Plan, CallActivities.DownloadRecording, CallActivities.ResolveTranscript, CallActivities.Summarize, CallActivities.Finish, CallActivities.PublishFinished];

    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task One_call_is_one_trace_from_the_voice_webhook_through_every_workflow_step_with_the_callsid_and_tenant()
    {
        var tenant = await _host.NewTenantAsync();
        var (callSid, recordingSid) = (TwilioCall.NewCallSid(), TwilioCall.NewRecordingSid());
        var root = CallTelemetry.CallRoot(callSid);
        var spans = CallSpans.Attach(_host, root.TraceId);

        await _host.AnsweredCallAsync(tenant, callSid, recordingSid);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        }

        var orchestration = await spans.WaitForAsync($"orchestration:{CallWorkflowNames.Orchestration}");

        // The webhooks hang off the call's root, which no process writes: each request is its own.
        var voice = spans.Single(CallTelemetry.VoiceWebhook);
        foreach (var webhook in new[] { voice, spans.Single(CallTelemetry.StatusWebhook), spans.Single(CallTelemetry.RecordingWebhook) })
        {
            Assert.Equal(root.SpanId, webhook.ParentSpanId);
            Assert.Equal(ActivityKind.Server, webhook.Kind);
            AssertNamesTheCall(webhook, callSid, tenant.Id);
        }

        // The voice webhook starts the workflow, and the engine carries its span to the orchestration.
        var scheduled = spans.Single($"create_orchestration:{CallWorkflowNames.Orchestration}");
        Assert.Equal(voice.SpanId, scheduled.ParentSpanId);
        Assert.Equal(scheduled.SpanId, orchestration.ParentSpanId);
        AssertNamesTheCall(orchestration, callSid, tenant.Id);

        // Each step: the orchestration schedules it (client), a worker runs it (server), our span names the call.
        foreach (var step in Steps)
        {
            var scheduledStep = spans.Single($"activity:{step}", ActivityKind.Client);
            Assert.Equal(orchestration.SpanId, scheduledStep.ParentSpanId);
            var run = spans.Single($"activity:{step}", ActivityKind.Server);
            Assert.Equal(scheduledStep.SpanId, run.ParentSpanId);
            var ours = spans.Single(CallTelemetry.StepName(step));
            Assert.Equal(run.SpanId, ours.ParentSpanId);
            AssertNamesTheCall(ours, callSid, tenant.Id);
        }

        // The status and recording webhooks signal the running workflow from their own spans.
        Assert.Equal(spans.Single(CallTelemetry.StatusWebhook).SpanId, spans.Single($"orchestration_event:{CallWorkflowNames.CallEndedEvent}").ParentSpanId);
        Assert.Equal(spans.Single(CallTelemetry.RecordingWebhook).SpanId, spans.Single($"orchestration_event:{CallWorkflowNames.RecordingEvent}").ParentSpanId);

        // A call whose transcript came from the realtime session records no failure.
        Assert.Empty(spans.Named(CallTelemetry.StepName(CallActivities.RecordTranscriptFailure)));
        Assert.All(spans.All, s => Assert.Equal(root.TraceId, s.TraceId));
    }

    private static void AssertNamesTheCall(Activity span, string callSid, string tenantId)
    {
        Assert.Equal(callSid, span.GetTagItem(CallTelemetry.CallSidAttribute));
        Assert.Equal(tenantId, span.GetTagItem(CallTelemetry.TenantAttribute));
    }

    /// <summary>The ended spans of one trace, from the in-memory exporter on the host's tracer provider.</summary>
    private sealed class CallSpans : BaseProcessor<Activity>
    {
        private readonly ActivityTraceId _traceId;
        private readonly List<Activity> _exported = [];
        private readonly SimpleActivityExportProcessor _export;

        private CallSpans(ActivityTraceId traceId)
        {
            _traceId = traceId;
            _export = new SimpleActivityExportProcessor(new InMemoryExporter<Activity>(_exported));
        }

        public static CallSpans Attach(CallCenterHost host, ActivityTraceId traceId)
        {
            var spans = new CallSpans(traceId);
            host.Get<TracerProvider>().AddProcessor(spans);
            return spans;
        }

        public IReadOnlyList<Activity> All
        {
            get
            {
                lock (_exported)
                {
                    return [.. _exported];
                }
            }
        }

        // Every host in the test process listens to the same sources: only this call's spans are kept.
        public override void OnEnd(Activity data)
        {
            if (data.TraceId == _traceId)
            {
                lock (_exported)
                {
                    _export.OnEnd(data);
                }
            }
        }

        public IReadOnlyList<Activity> Named(string name) => [.. All.Where(s => s.DisplayName == name)];

        public Activity Single(string name) => Assert.Single(Named(name));

        public Activity Single(string name, ActivityKind kind) => Assert.Single(Named(name), s => s.Kind == kind);

        public async Task<Activity> WaitForAsync(string name)
        {
            for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(30); waited += TimeSpan.FromMilliseconds(100))
            {
                if (Named(name) is [var span])
                {
                    return span;
                }

                await Task.Delay(100);
            }

            return Single(name);
        }

        protected override void Dispose(bool disposing)
        {
            _export.Dispose();
            base.Dispose(disposing);
        }
    }
}
