using System.Diagnostics;
using CallCenter.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace CallCenter.Testing;

/// <summary>
/// The ended spans of one trace, exported in memory from a host's own tracer provider. Every provider in a
/// test process listens to the same sources, so only the trace's spans are kept.
/// </summary>
public sealed class TraceRecorder : BaseProcessor<Activity>
{
    private readonly ActivityTraceId _traceId;
    private readonly List<Activity> _exported = [];
    private readonly SimpleActivityExportProcessor _export;

    private TraceRecorder(ActivityTraceId traceId)
    {
        _traceId = traceId;
        _export = new SimpleActivityExportProcessor(new InMemoryExporter<Activity>(_exported));
    }

    public static TraceRecorder Attach(TracerProvider provider, ActivityTraceId traceId)
    {
        var recorder = new TraceRecorder(traceId);
        provider.AddProcessor(recorder);
        return recorder;
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

    /// <summary>The CallSid and tenant a span names.</summary>
    public static (string? CallSid, string? TenantId) CallOf(Activity span) =>
        (span.GetTagItem(CallTelemetry.CallSidAttribute) as string, span.GetTagItem(CallTelemetry.TenantAttribute) as string);

    public IReadOnlyList<Activity> Named(string name) => [.. All.Where(s => s.DisplayName == name)];

    /// <summary>The spans of that name once there is one, or none after 30 s.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(string name)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(30) && Named(name).Count == 0; waited += TimeSpan.FromMilliseconds(100))
        {
            await Task.Delay(100);
        }

        return Named(name);
    }

    protected override void Dispose(bool disposing)
    {
        _export.Dispose();
        base.Dispose(disposing);
    }
}
