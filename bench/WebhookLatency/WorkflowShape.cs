using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>One step of the bare orchestration: wait for an event (with a timer when it has a timeout), a timer, or activities run together.</summary>
internal sealed record ShapeStep(string Kind, IReadOnlyList<string> Names, TimeSpan? Timeout);

/// <summary>What the bare orchestration gets: the call it stands for and its steps (fixed at start, so replays agree).</summary>
internal sealed record BareCallInput(string TenantId, string CallSid, IReadOnlyList<ShapeStep> Steps);

/// <summary>The call as the real activities get it (same payload size).</summary>
internal sealed record BareCallRef(string TenantId, string CallSid);

/// <summary>
/// The shape of the call workflow as a list of steps, so the bare engine runs an orchestration with the same
/// activities in the same order and the same events and timers, doing nothing in them. Written as
/// <c>event:CallEnded:4h,PlanCall,timer:5s,FinishCall+RecordCallMetrics</c>: <c>event:NAME[:TIMEOUT]</c> waits
/// for an external event (a durable timer bounds it when a timeout is given), <c>timer:DURATION</c> sleeps on a
/// durable timer, and a name (or names joined by <c>+</c>, run together) calls activities.
/// </summary>
internal static class WorkflowShape
{
    public const string Orchestration = "BareCallWorkflow";

    /// <summary>The call workflow at e1a5091 for a call that ended "completed", its tenant not recording the number.</summary>
    public const string Today = "event:CallEnded:4h,PlanCall,ResolveTranscript,FinishCall,RecordCallMetrics,DeliverCallWebhooks,PublishCallFinished";

    /// <summary>The same with a recording: it waits for the recording callback, downloads, transcribes and summarizes.</summary>
    public const string TodayWithRecording =
        "event:CallEnded:4h,PlanCall,event:Recording:15m,DownloadRecording,ResolveTranscript,SummarizeCall,FinishCall,RecordCallMetrics,DeliverCallWebhooks,PublishCallFinished";

    public static IReadOnlyList<ShapeStep> Parse(string shape) =>
        shape.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseStep).ToList();

    public static ShapeStep ParseStep(string step)
    {
        var parts = step.Split(':');
        return parts[0] switch
        {
            "event" when parts.Length is 2 or 3 => new ShapeStep("event", [parts[1]], parts.Length == 3 ? Duration(parts[2]) : null),
            "timer" when parts.Length == 2 => new ShapeStep("timer", [], Duration(parts[1])),
            _ when parts.Length == 1 && parts[0].Length > 0 => new ShapeStep("activity", parts[0].Split('+'), null),
            _ => throw new ArgumentException($"'{step}' is not a step: event:NAME[:TIMEOUT], timer:DURATION, or activity names joined by +"),
        };
    }

    /// <summary><c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>4h</c>.</summary>
    public static TimeSpan Duration(string text)
    {
        var unit = text.EndsWith("ms", StringComparison.Ordinal) ? "ms" : text[^1..];
        var value = double.Parse(text[..^unit.Length], CultureInfo.InvariantCulture);
        return unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            _ => throw new ArgumentException($"'{text}' is not a duration (500ms, 30s, 15m, 4h)"),
        };
    }

    /// <summary>The events a call raises, in order (what the webhooks signal).</summary>
    public static IEnumerable<string> Events(IReadOnlyList<ShapeStep> steps) => steps.Where(s => s.Kind == "event").Select(s => s.Names[0]);

    /// <summary>Every activity name the shape calls, each once.</summary>
    public static IEnumerable<string> Activities(IReadOnlyList<ShapeStep> steps) => steps.Where(s => s.Kind == "activity").SelectMany(s => s.Names).Distinct();

    /// <summary>The bare orchestration and its no-op activities.</summary>
    public static void Register(DurableTaskRegistry registry, IReadOnlyList<ShapeStep> steps)
    {
        registry.AddOrchestratorFunc<BareCallInput, int>(Orchestration, RunAsync);
        foreach (var name in Activities(steps))
        {
            registry.AddActivityFunc<BareCallRef, string?>(name, (_, _) => Task.FromResult<string?>(null));
        }
    }

    private static async Task<int> RunAsync(TaskOrchestrationContext context, BareCallInput input)
    {
        var call = new BareCallRef(input.TenantId, input.CallSid);
        var done = 0;
        foreach (var step in input.Steps)
        {
            switch (step.Kind)
            {
                case "event" when step.Timeout is { } timeout:
                    try
                    {
                        await context.WaitForExternalEvent<JsonElement>(step.Names[0], timeout);
                    }
                    catch (TaskCanceledException)
                    {
                        // The timer fired first, as the call workflow goes on without the event.
                    }

                    break;
                case "event":
                    await context.WaitForExternalEvent<JsonElement>(step.Names[0]);
                    break;
                case "timer":
                    await context.CreateTimer(step.Timeout!.Value, CancellationToken.None);
                    break;
                default:
                    await Task.WhenAll(step.Names.Select(n => context.CallActivityAsync<string?>(n, call)));
                    break;
            }

            done++;
        }

        return done;
    }
}
