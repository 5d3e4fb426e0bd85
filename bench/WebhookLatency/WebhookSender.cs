using System.Diagnostics;
using System.Globalization;
using CallCenter.Core.Telemetry;
using CallCenter.Fakes;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// Sends the webhooks of simulated calls, signed as Twilio signs them. Each call is its voice webhook, then the
/// status callbacks initiated, ringing and in-progress 200 ms apart, completed after the call's length, and (with
/// recording) the recording callback 500 ms after that. Every webhook of a call carries the call's trace id in
/// <c>traceparent</c> and a token of its own in <c>tracestate</c> (<c>wfbench=KIND-TAG-CALL</c>), so the storage
/// requests it causes can be found in Azurite's log; <paramref name="answered"/>, when given, is told each
/// token once its webhook was answered (the bench then puts a marker request in Azurite's log).
/// </summary>
internal sealed class WebhookSender(
    HttpClient http, string number, string authToken, FakeTwilioApi twilio, double callSeconds, bool recording, Func<string, Task>? answered = null)
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    /// <summary>Each webhook of a call and when it is sent, from the call's start.</summary>
    public IReadOnlyList<(WebhookKind Kind, double At)> Timeline { get; } =
    [
        (WebhookKind.Voice, 0),
        (WebhookKind.Initiated, 0.2),
        (WebhookKind.Ringing, 0.4),
        (WebhookKind.InProgress, 0.6),
        (WebhookKind.Completed, 0.6 + callSeconds),
        .. (recording ? new[] { (WebhookKind.Recording, 1.1 + callSeconds) } : []),
    ];

    /// <summary>
    /// Open loop: calls start <paramref name="callsPerSecond"/> apart and each webhook is sent at its time whether
    /// or not the server answered the last ones; latency counts from that time.
    /// </summary>
    public async Task<List<WebhookRecord>> OpenLoopAsync(uint tag, int calls, double callsPerSecond)
    {
        var schedule = Enumerable.Range(0, calls)
            .SelectMany(c => Timeline.Select(t => (Due: c / callsPerSecond + t.At, Call: c, t.Kind)))
            .OrderBy(s => s.Due)
            .ToList();
        var clock = Stopwatch.StartNew();
        var sends = new List<Task<WebhookRecord>>(schedule.Count);
        foreach (var (due, call, kind) in schedule)
        {
            var wait = TimeSpan.FromSeconds(due) - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            sends.Add(SendAsync(tag, call, kind, TimeSpan.FromSeconds(due), clock));
        }

        return [.. await Task.WhenAll(sends)];
    }

    /// <summary>The webhooks of a call up to its end: answered, then initiated, ringing and in progress.</summary>
    public static bool IsSetUp(WebhookKind kind) => kind < WebhookKind.Completed;

    /// <summary>
    /// As fast as the server answers: <paramref name="concurrency"/> calls at a time, each call's webhooks that
    /// <paramref name="include"/> takes one after the other.
    /// </summary>
    public async Task<List<WebhookRecord>> BurstAsync(uint tag, int calls, int concurrency, Func<WebhookKind, bool> include)
    {
        var clock = Stopwatch.StartNew();
        var records = new List<WebhookRecord>();
        await Parallel.ForEachAsync(Enumerable.Range(0, calls), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (call, _) =>
        {
            foreach (var (kind, _) in Timeline.Where(t => include(t.Kind)))
            {
                var record = await SendAsync(tag, call, kind, clock.Elapsed, clock);
                lock (records)
                {
                    records.Add(record);
                }
            }
        });
        return records;
    }

    private async Task<WebhookRecord> SendAsync(uint tag, int call, WebhookKind kind, TimeSpan due, Stopwatch clock)
    {
        var callSid = CallSids.Make(tag, call);
        var (path, form) = Webhook(callSid, kind);
        var url = new Uri(http.BaseAddress!, path);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioRequestSigner.Sign(authToken, url.AbsoluteUri, form));
        // The call's own trace (the product derives the same id from the CallSid), so every request is attributable.
        var trace = CallTelemetry.CallRoot(callSid).TraceId.ToHexString();
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var token = $"{kind.ToString().ToLowerInvariant()}-{tag:x8}-{call}";
        request.Headers.Add("tracestate", "wfbench=" + token);
        var sent = DateTime.UtcNow;
        bool ok;
        try
        {
            using var response = await http.SendAsync(request);
            ok = response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            ok = false;
        }

        var at = DateTime.UtcNow;
        var latency = ok ? (clock.Elapsed - due).TotalMilliseconds : double.PositiveInfinity;
        if (answered is not null)
        {
            await answered(token);
        }

        return new WebhookRecord(call, trace, token, kind, sent, at, latency, ok);
    }

    private (string Path, Dictionary<string, string> Form) Webhook(string callSid, WebhookKind kind)
    {
        if (kind == WebhookKind.Recording)
        {
            var recordingSid = CallSids.RecordingSid(callSid);
            return ("api/twilio/recording", new Dictionary<string, string>
            {
                ["AccountSid"] = AccountSid,
                ["CallSid"] = callSid,
                ["RecordingSid"] = recordingSid,
                ["RecordingUrl"] = twilio.RecordingUrl(recordingSid).AbsoluteUri,
                ["RecordingStatus"] = "completed",
                ["RecordingDuration"] = ((int)callSeconds).ToString(CultureInfo.InvariantCulture),
                ["RecordingChannels"] = "2",
                ["RecordingSource"] = "StartCallRecording",
            });
        }

        var fields = new Dictionary<string, string>
        {
            ["AccountSid"] = AccountSid,
            ["CallSid"] = callSid,
            ["From"] = "+15557770000",
            ["To"] = number,
            ["Direction"] = "inbound",
            ["ApiVersion"] = "2010-04-01",
        };
        if (kind == WebhookKind.Voice)
        {
            fields["CallStatus"] = "ringing";
            return ("api/twilio/voice", fields);
        }

        fields["CallStatus"] = kind switch
        {
            WebhookKind.Initiated => "initiated",
            WebhookKind.Ringing => "ringing",
            WebhookKind.InProgress => "in-progress",
            _ => "completed",
        };
        fields["SequenceNumber"] = ((int)kind - 1).ToString(CultureInfo.InvariantCulture);
        if (kind == WebhookKind.Completed)
        {
            fields["CallDuration"] = ((int)callSeconds).ToString(CultureInfo.InvariantCulture);
        }

        return ("api/twilio/status", fields);
    }
}
