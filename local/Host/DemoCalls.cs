using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Core.Workflow;

namespace CallCenter.Local.Host;

/// <summary>
/// A week of varied finished calls for the demo tenant, so its call list, call details and analytics charts are
/// not empty on first start. Each call is stored by <see cref="CallLogStore"/> and priced and counted by
/// <see cref="CallMetricsRecorder"/>, the code the call workflow's RecordCallMetrics step runs.
/// </summary>
/// <remarks>
/// The week is the seven days before the first start, kept in a row of the tenant's <c>CallStats</c> partition,
/// and every call's id is derived from it: a re-run (or a run after one stopped half-way) writes nothing twice.
/// </remarks>
public static class DemoCalls
{
    private const string SeedRow = "demo|seed";
    private const int Days = 7;

    public static async Task SeedAsync(IServiceProvider services, string tenantId, string number, CancellationToken ct = default)
    {
        var tables = services.GetRequiredService<CallCenterTables>();
        var time = services.GetRequiredService<TimeProvider>();
        var anchor = await AnchorAsync(tables.CallStats, tenantId, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), ct);
        if (anchor.Done)
        {
            return;
        }

        var calls = services.GetRequiredService<CallLogStore>();
        var recorder = services.GetRequiredService<CallMetricsRecorder>();
        for (var d = Days; d >= 1; d--)
        {
            var day = anchor.Today.AddDays(-d);
            var random = new Random(day.DayNumber);
            var count = 3 + random.Next(6);
            for (var i = 0; i < count; i++)
            {
                var call = Call(tenantId, number, day, i, random);
                await calls.CreateIfMissingAsync(call, ct);
                await recorder.RecordAsync(new CallMetricsInput(tenantId, call.CallSid, call.RecordingSeconds), ct);
            }
        }

        await tables.CallStats.UpsertEntityAsync(new TableEntity(tenantId, SeedRow) { ["Today"] = anchor.Today.ToString("yyyy-MM-dd"), ["Done"] = true }, TableUpdateMode.Replace, ct);
    }

    private static async Task<(DateOnly Today, bool Done)> AnchorAsync(TableClient table, string tenantId, DateOnly today, CancellationToken ct)
    {
        try
        {
            await table.AddEntityAsync(new TableEntity(tenantId, SeedRow) { ["Today"] = today.ToString("yyyy-MM-dd"), ["Done"] = false }, ct);
            return (today, false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var row = (await table.GetEntityAsync<TableEntity>(tenantId, SeedRow, cancellationToken: ct)).Value;
            return (DateOnly.Parse(row.GetString("Today") ?? today.ToString("yyyy-MM-dd"), System.Globalization.CultureInfo.InvariantCulture), row.GetBoolean("Done") == true);
        }
    }

    private static CallLog Call(string tenantId, string number, DateOnly day, int index, Random random)
    {
        var createdAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(8 + random.Next(10), random.Next(60), random.Next(60))), TimeSpan.Zero);
        var roll = random.Next(100);
        var (status, outcome) = roll switch
        {
            < 55 => (CallStatus.Completed, CallOutcomes.Completed),
            < 67 => (CallStatus.Completed, CallOutcomes.Transferred),
            < 77 => (CallStatus.Completed, CallOutcomes.Voicemail),
            < 85 => (CallStatus.NoAnswer, CallOutcomes.NoAnswer),
            < 92 => (CallStatus.Busy, CallOutcomes.Busy),
            < 97 => (CallStatus.Failed, CallOutcomes.Failed),
            _ => (CallStatus.Canceled, CallOutcomes.Canceled),
        };
        var inbound = random.Next(3) > 0;
        var caller = $"+1555555{random.Next(10_000):D4}";
        var call = new CallLog
        {
            TenantId = tenantId,
            CallSid = "CA" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"demo|{tenantId}|{day:yyyy-MM-dd}|{index}")))[..32],
            Direction = inbound ? CallDirection.Inbound : CallDirection.Outbound,
            From = inbound ? caller : number,
            To = inbound ? number : caller,
            Status = status,
            CreatedAt = createdAt,
            Outcome = outcome,
        };
        call.StatusTimes[CallStatus.Ringing] = createdAt;
        if (status != CallStatus.Completed)
        {
            call.StatusTimes[status] = createdAt.AddSeconds(20);
            call.DurationSeconds = 0;
            // Finished history, like every seeded call: a call whose workflow has not finished is an open call, and
            // the open-call sweep would start the workflow of each of them once the demo runs.
            call.WorkflowFinishedAt = createdAt.AddSeconds(30);
            return call;
        }

        var seconds = outcome == CallOutcomes.Voicemail ? 20 + random.Next(25) : 45 + random.Next(360);
        var turns = outcome == CallOutcomes.Voicemail ? 0 : Math.Max(2, seconds / 25);
        call.StatusTimes[CallStatus.InProgress] = createdAt.AddSeconds(5);
        call.StatusTimes[CallStatus.Completed] = createdAt.AddSeconds(5 + seconds);
        call.DurationSeconds = seconds;
        call.RecordingSeconds = seconds;
        call.StreamEndedAt = createdAt.AddSeconds(5 + seconds);
        call.WorkflowFinishedAt = createdAt.AddSeconds(60 + seconds);
        call.TranscriptSource = TranscriptSource.Realtime;
        call.Summary = outcome == CallOutcomes.Voicemail ? "Reached voicemail; left the callback message." : "Demo call: the caller asked about a repair and a visit was offered.";
        call.Latency = CallLatency.Of(Latencies(createdAt.AddSeconds(5), turns, random));
        call.RealtimeUsage = new RealtimeUsage("gpt-realtime", 900L * (turns + 1), seconds * 10L * (turns + 1) / 2, 700L * turns, seconds * 4L * turns, 40L * (turns + 1), seconds * 8L);
        call.SummaryUsage = new ModelUsage("gpt-4o-mini", 150 + (seconds * 3), 90);
        return call;
    }

    private static List<LatencyTurn> Latencies(DateTimeOffset start, int turns, Random random)
    {
        var list = new List<LatencyTurn> { new(start.AddMilliseconds(900), 700 + random.Next(600), LatencyTurn.Greeting) };
        for (var t = 1; t <= turns; t++)
        {
            // Mostly snappy, with the odd slow answer (a tool call, a long thought) that p95 should show.
            var ms = random.Next(10) == 0 ? 1600 + random.Next(1400) : 450 + random.Next(700);
            list.Add(new LatencyTurn(start.AddSeconds(t * 20), ms, LatencyTurn.Turn));
        }

        return list;
    }
}
