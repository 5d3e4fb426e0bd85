using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Core.Telemetry;

/// <summary>
/// The spans of a call. Its webhooks, its workflow and its media stream run in different processes on
/// requests that carry no trace context of ours (Twilio sends none), so each span of a call is put in the
/// trace whose id is derived from the CallSid: they all land in one trace without passing context around.
/// </summary>
public static class CallTelemetry
{
    /// <summary>The one source of the product's own spans.</summary>
    public const string SourceName = "CallCenter";

    /// <summary>The one meter of the product's own metrics (the bridge's frame and barge-in counts).</summary>
    public const string MeterName = "CallCenter";

    public const string CallSidAttribute = "callcenter.call_sid";
    public const string TenantAttribute = "callcenter.tenant_id";

    public const string VoiceWebhook = "voice webhook";
    public const string StatusWebhook = "status webhook";
    public const string RecordingWebhook = "recording webhook";
    public const string BridgeSession = "bridge session";

    /// <summary>The name of a workflow step's span: <c>step PlanCall</c>.</summary>
    public static string StepName(string step) => "step " + step;

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// The call's trace id is the first 16 bytes of SHA-256 of the CallSid and its root span id the next 8.
    /// No process writes the root span: it is the common parent the call's spans name.
    /// </summary>
    public static ActivityContext CallRoot(string callSid)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(callSid), hash);
        return new ActivityContext(
            ActivityTraceId.CreateFromBytes(hash[..16]),
            ActivitySpanId.CreateFromBytes(hash.Slice(16, 8)),
            ActivityTraceFlags.Recorded,
            isRemote: true);
    }

    /// <summary>
    /// Starts a span of the call: the child of the current span when that is in the call's trace already
    /// (the Durable engine carried it there), otherwise of the call's root, linked to the current span (the
    /// HTTP request's, say) so that one stays reachable. Null when nothing listens.
    /// </summary>
    public static Activity? StartCallSpan(string name, ActivityKind kind, string callSid, string? tenantId = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var root = CallRoot(callSid);
        var current = Activity.Current;
        var inCall = current is not null && current.TraceId == root.TraceId;
        ActivityLink[]? links = current is not null && !inCall ? [new ActivityLink(current.Context)] : null;
        var span = Source.StartActivity(name, kind, inCall ? current!.Context : root, links: links);
        span?.SetTag(CallSidAttribute, callSid);
        if (tenantId is not null)
        {
            span?.SetTag(TenantAttribute, tenantId);
        }

        return span;
    }

    /// <summary>A workflow step's span, inside the activity that runs it.</summary>
    public static Activity? StartStep(string step, string tenantId, string callSid) =>
        StartCallSpan(StepName(step), ActivityKind.Internal, callSid, tenantId);

    /// <summary>Names the call on a span another library started (the engine's orchestration span), when it is the call's.</summary>
    public static void TagCall(Activity? span, string tenantId, string callSid)
    {
        if (span is not null && span.TraceId == CallRoot(callSid).TraceId)
        {
            span.SetTag(CallSidAttribute, callSid);
            span.SetTag(TenantAttribute, tenantId);
        }
    }
}
