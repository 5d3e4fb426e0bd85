namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// The storage requests of a run's measured calls, from Azurite's log, over the window and the drain after it.
/// Attribution to a webhook: the bench sends every webhook of a call with the call's trace id in
/// <c>traceparent</c> (the id the product itself derives from the CallSid, so the product's own spans keep it), and
/// the Azure SDK puts the caller's trace into every storage request, the Durable client's too (through the gRPC
/// call to the sidecar, whose storage calls run in that request). A request in a call's trace that Azurite
/// started while exactly one webhook of that call was in flight (sent, not yet answered) belongs to that
/// webhook's answer; one that started while none was is the call's later work (its workflow steps, or anything a
/// webhook left running after it answered); one with no call's trace is shared work (the engine's queue polls,
/// partition leases). A call's webhooks are hundreds of milliseconds apart, so two in flight at once are rare;
/// such requests are counted as ambiguous.
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

    public const string LaterInCall = "the call's later work (in its trace, no webhook in flight)";
    public const string Shared = "no call's trace (engine polls, leases, other calls)";
    public const string Ambiguous = "ambiguous (two webhooks of the call in flight)";

    public static StorageReport Build(
        IReadOnlyList<StorageRequest> requests, DateTime from, DateTime to, IReadOnlyList<WebhookRecord> webhooks, int calls, string taskHub, double idlePerSecond)
    {
        var byCall = webhooks.GroupBy(w => w.TraceId).ToDictionary(g => g.Key, g => g.ToList());
        var inRange = requests.Where(r => r.Start >= from && r.Start < to && r.ClientRequestId != BenchRequestId).ToList();
        var byWebhook = new Dictionary<string, Dictionary<string, int>>();
        var taskHubByWebhook = new Dictionary<string, int>();
        var voicePerCall = new Dictionary<int, int>();
        foreach (var request in inRange)
        {
            string owner;
            if (request.TraceId is { } trace && byCall.TryGetValue(trace, out var call))
            {
                var inFlight = call.Where(w => w.Sent <= request.Start && request.Start <= w.Answered).ToList();
                owner = inFlight.Count switch
                {
                    0 => LaterInCall,
                    1 => WebhookRecord.Name(inFlight[0].Kind),
                    _ => Ambiguous,
                };
                if (inFlight is [{ Kind: WebhookKind.Voice } voice])
                {
                    voicePerCall[voice.Call] = voicePerCall.GetValueOrDefault(voice.Call) + 1;
                }
            }
            else
            {
                owner = Shared;
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
            Seconds = (to - from).TotalSeconds,
            Total = inRange.Count,
            TaskHub = inRange.Count(r => r.IsTaskHub(taskHub)),
            ByKind = inRange.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count()),
            ByWebhook = byWebhook,
            TaskHubByWebhook = taskHubByWebhook,
            VoiceHistogram = histogram,
            // Durable timers (and any other delayed message) are enqueued invisible for their delay.
            DelayedEnqueues = inRange.Where(r => r.Operation == "Queue_Enqueue" && r.VisibilityTimeout is > 0)
                .GroupBy(r => r.VisibilityTimeout!.Value).ToDictionary(g => g.Key, g => g.Count()),
            IdlePerSecond = idlePerSecond,
        };
    }

    public void Print(TextWriter output)
    {
        output.WriteLine($"storage requests (Azurite's log), window + drain ({Seconds:F1} s, {Calls} calls): {Total}, {PerCall:F1} per call"
            + $" (task hub {(double)TaskHub / Calls:F1}, product {(double)(Total - TaskHub) / Calls:F1}); at idle before the window {IdlePerSecond:F1}/s, "
            + $"{IdlePerSecond * Seconds / Calls:F1} per call over this span");
        foreach (var (kind, count) in ByKind.OrderByDescending(k => k.Value))
        {
            output.WriteLine($"  {(double)count / Calls,6:F2} per call  {kind}");
        }

        output.WriteLine("  by webhook (the call's trace id and the webhook's time in flight):");
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

    private static int Order(string owner) =>
        Enum.GetValues<WebhookKind>().Select(WebhookRecord.Name).ToList().IndexOf(owner) is var i and >= 0 ? i : owner == LaterInCall ? 10 : owner == Ambiguous ? 11 : 12;
}
