namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// The storage requests of a run's measured calls, from Azurite's log, between two marker requests the bench puts
/// in it (the window's start and the drain's end). Attribution to a webhook: the bench sends every webhook of a
/// call with the call's trace id in <c>traceparent</c> (the id the product itself derives from the CallSid, so the
/// product's own call spans continue that trace and keep its trace state) and a token of the webhook's own in
/// <c>tracestate</c>. The Azure SDK copies the caller's current span's trace context into every storage request,
/// the Durable client's too (it crosses the gRPC call into the sidecar, whose storage requests run in that call).
/// After each answer the bench sends a marker request; Azurite's log is in the order Azurite started its
/// requests, and every request an answer waited for started before the answer, so the requests with a webhook's
/// token before its marker are its answer's, exactly, whatever the load. Requests with the token after the
/// marker are work the webhook left running (a workflow it started carries its trace state into the workflow's
/// steps); requests in a measured call's trace without a measured token are the call's other work; requests in
/// no measured call's trace are shared (the engine's queue polls, partition leases).
/// </summary>
internal sealed class StorageReport
{
    public const string BenchRequestId = "wfbench-probe";

    public required int Calls { get; init; }
    public required double Seconds { get; init; }
    public required int Total { get; init; }
    public required int TaskHub { get; init; }
    public required Dictionary<string, int> ByKind { get; init; }
    public required Dictionary<string, Dictionary<string, int>> ByWebhook { get; init; }
    public required Dictionary<string, int> TaskHubByWebhook { get; init; }

    /// <summary>Voice answers by how many storage requests each made.</summary>
    public required SortedDictionary<int, int> VoiceHistogram { get; init; }

    public required Dictionary<int, int> DelayedEnqueues { get; init; }
    public required double IdlePerSecond { get; init; }

    public double PerCall => (double)Total / Calls;

    public double VoicePerCall => ByWebhook.TryGetValue(WebhookRecord.Name(WebhookKind.Voice), out var v) ? (double)v.Values.Sum() / Calls : 0;

    public double VoiceTaskHubPerCall => (double)TaskHubByWebhook.GetValueOrDefault(WebhookRecord.Name(WebhookKind.Voice)) / Calls;

    public const string LaterInCall = "the call's other work (its trace, no webhook's token)";
    public const string Shared = "no measured call's trace (engine polls, leases)";

    public static string AfterAnswer(WebhookKind kind) => $"{WebhookRecord.Name(kind)}: after its answer (work it left running)";

    // requests: in the log's order; from, to: the markers around the measured span.
    public static StorageReport Build(
        IReadOnlyList<StorageRequest> requests, string from, string to, IReadOnlyList<WebhookRecord> webhooks, double seconds, string taskHub, double idlePerSecond)
    {
        var calls = webhooks.Select(w => w.TraceId).Distinct().Count();
        var traces = webhooks.Select(w => w.TraceId).ToHashSet();
        var tokens = webhooks.ToDictionary(w => w.Token);
        var answered = new HashSet<string>();
        var inRange = new List<StorageRequest>();
        var byWebhook = new Dictionary<string, Dictionary<string, int>>();
        var taskHubByWebhook = new Dictionary<string, int>();
        var voicePerCall = new Dictionary<int, int>();
        var state = 0;
        foreach (var request in requests)
        {
            if (request.Marker is { } marker)
            {
                state = marker == from ? 1 : marker == to ? 2 : state;
                if (marker.StartsWith("answered-", StringComparison.Ordinal))
                {
                    answered.Add(marker["answered-".Length..]);
                }

                continue;
            }

            if (state != 1 || request.IsBench)
            {
                continue;
            }

            inRange.Add(request);
            string owner;
            if (request.Token is { } token && tokens.TryGetValue(token, out var webhook))
            {
                if (answered.Contains(token))
                {
                    owner = AfterAnswer(webhook.Kind);
                }
                else
                {
                    owner = WebhookRecord.Name(webhook.Kind);
                    if (webhook.Kind == WebhookKind.Voice)
                    {
                        voicePerCall[webhook.Call] = voicePerCall.GetValueOrDefault(webhook.Call) + 1;
                    }
                }
            }
            else
            {
                owner = request.TraceId is { } trace && traces.Contains(trace) ? LaterInCall : Shared;
            }

            var kinds = byWebhook.TryGetValue(owner, out var k) ? k : byWebhook[owner] = new Dictionary<string, int>();
            kinds[request.Kind] = kinds.GetValueOrDefault(request.Kind) + 1;
            if (request.IsTaskHub(taskHub))
            {
                taskHubByWebhook[owner] = taskHubByWebhook.GetValueOrDefault(owner) + 1;
            }
        }

        // Every measured voice answer, those that made no request included.
        var histogram = new SortedDictionary<int, int>();
        foreach (var voice in webhooks.Where(w => w.Kind == WebhookKind.Voice))
        {
            var n = voicePerCall.GetValueOrDefault(voice.Call);
            histogram[n] = histogram.GetValueOrDefault(n) + 1;
        }

        return new StorageReport
        {
            Calls = calls,
            Seconds = seconds,
            Total = inRange.Count,
            TaskHub = inRange.Count(r => r.IsTaskHub(taskHub)),
            ByKind = inRange.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count()),
            ByWebhook = byWebhook,
            TaskHubByWebhook = taskHubByWebhook,
            VoiceHistogram = histogram,
            // Durable timers (and any other delayed message) are enqueued invisible for their delay.
            DelayedEnqueues = inRange.Where(r => r.Operation == "Messages_Enqueue" && r.VisibilityTimeout is > 0)
                .GroupBy(r => r.VisibilityTimeout!.Value).ToDictionary(g => g.Key, g => g.Count()),
            IdlePerSecond = idlePerSecond,
        };
    }

    /// <summary>Requests between two markers, the bench's own left out.</summary>
    public static int Between(IReadOnlyList<StorageRequest> requests, string from, string to) =>
        requests.SkipWhile(r => r.Marker != from).Skip(1).TakeWhile(r => r.Marker != to).Count(r => !r.IsBench);

    public void Print(TextWriter output)
    {
        output.WriteLine($"storage requests (Azurite's log), window + drain ({Seconds:F1} s, {Calls} calls): {Total}, {PerCall:F1} per call"
            + $" (task hub {(double)TaskHub / Calls:F1}, product {(double)(Total - TaskHub) / Calls:F1}); at idle before the window {IdlePerSecond:F1}/s, "
            + $"{IdlePerSecond * Seconds / Calls:F1} per call over this span");
        foreach (var (kind, count) in ByKind.OrderByDescending(k => k.Value))
        {
            output.WriteLine($"  {(double)count / Calls,6:F2} per call  {kind}");
        }

        output.WriteLine("  by webhook (the webhook's token in the trace state, before or after the marker of its answer):");
        foreach (var (owner, kinds) in ByWebhook.OrderBy(o => Order(o.Key)))
        {
            output.WriteLine($"    {owner}: {(double)kinds.Values.Sum() / Calls:F2} per call, task hub {(double)TaskHubByWebhook.GetValueOrDefault(owner) / Calls:F2}");
            foreach (var (kind, count) in kinds.OrderByDescending(k => k.Value))
            {
                output.WriteLine($"      {(double)count / Calls,6:F2}  {kind}");
            }
        }

        output.WriteLine($"  voice answers by requests made: {string.Join(", ", VoiceHistogram.Select(h => $"{h.Key}: {h.Value}"))}"
            + $"; task hub requests in voice answers {TaskHubByWebhook.GetValueOrDefault(WebhookRecord.Name(WebhookKind.Voice))} (0: no Durable engine call)");
        output.WriteLine(DelayedEnqueues.Count == 0
            ? "  delayed queue messages (durable timers) enqueued: none"
            : $"  delayed queue messages (durable timers) enqueued: {string.Join(", ", DelayedEnqueues.OrderBy(d => d.Key).Select(d => $"{(double)d.Value / Calls:F2} per call with {d.Key} s"))}");
    }

    private static int Order(string owner)
    {
        foreach (var kind in Enum.GetValues<WebhookKind>())
        {
            if (owner == WebhookRecord.Name(kind))
            {
                return (int)kind * 2;
            }

            if (owner == AfterAnswer(kind))
            {
                return (int)kind * 2 + 1;
            }
        }

        return owner == LaterInCall ? 20 : 21;
    }
}
