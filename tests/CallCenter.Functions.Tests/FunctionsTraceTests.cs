using System.Diagnostics;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using OpenTelemetry.Trace;

namespace CallCenter.Functions.Tests;

/// <summary>One call through the app's triggers and Durable functions, its spans read from the worker's tracer provider.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class FunctionsTraceTests(FunctionsFixture fixture)
{
    [Fact]
    public async Task The_webhooks_and_every_step_of_a_call_are_spans_of_the_calls_trace_with_its_callsid_and_tenant()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        var callSid = TwilioCall.NewCallSid();
        var root = CallTelemetry.CallRoot(callSid);
        var spans = TraceRecorder.Attach(fixture.Get<TracerProvider>(), root.TraceId);

        var call = await SimulatedCall.PlaceAsync(fixture, tenant.Id, tenant.VoiceNumbers[0], callSid);
        var done = await call.CompleteAsync(fixture);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);

        foreach (var name in new[] { CallTelemetry.VoiceWebhook, CallTelemetry.StatusWebhook, CallTelemetry.RecordingWebhook })
        {
            var webhook = Assert.Single(spans.Named(name));
            Assert.Equal(root.SpanId, webhook.ParentSpanId);
            Assert.Equal(ActivityKind.Server, webhook.Kind);
            Assert.Equal((callSid, tenant.Id), TraceRecorder.CallOf(webhook));
        }

        // No realtime turns: the recording is downloaded and transcribed, then summarized; the plan is made at the
        // start, so every step after it runs inside CompleteCall, each its own span.
        foreach (var step in new[] { nameof(CompleteCall), nameof(DownloadRecording), nameof(ResolveTranscript), nameof(SummarizeCall), nameof(FinishCall), nameof(RecordCallMetrics), nameof(DeliverCallWebhooks), nameof(PublishCallFinished) })
        {
            Assert.Equal((callSid, tenant.Id), TraceRecorder.CallOf(Assert.Single(await spans.WaitForAsync(CallTelemetry.StepName(step)))));
        }
    }
}
