using System.Globalization;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>
/// The figures of interleaved runs at one call count, per system: medians over the valid runs (a run the
/// generator could not drive measures the generator), and the bridge's CPU per relayed frame as a multiple of
/// the floor's.
/// </summary>
internal static class RunComparison
{
    /// <summary>Fewer valid runs than this and a median is printed but flagged.</summary>
    public const int RunsNeeded = 3;

    public static string Describe(int calls, IReadOnlyList<string> systems, IReadOnlyList<RunFigures> runs)
    {
        var text = new System.Text.StringBuilder();
        var order = string.Join(", ", runs.Select(r => r.System));
        text.AppendLine(CultureInfo.InvariantCulture, $"## {calls} calls: comparison of {runs.Count} runs in this order: {order}");
        text.AppendLine("| system | valid runs | µs CPU per relayed frame, median (each valid run) | p99 caller→OpenAI / OpenAI→caller, median (worst) | frames lost caller→OpenAI / OpenAI→caller, all runs |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        var medians = new Dictionary<string, double>();
        foreach (var system in systems)
        {
            var all = runs.Where(r => r.System == system).ToList();
            var valid = all.Where(r => r.Valid).ToList();
            var lost = $"{all.Sum(r => r.CallerFramesLost)} / {all.Sum(r => r.AgentFramesLost)}";
            var count = $"{valid.Count} of {all.Count}{(valid.Count < RunsNeeded ? $" (fewer than {RunsNeeded})" : "")}";
            if (valid.Count == 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {system} | {count} | no valid run | – | {lost} |");
                continue;
            }

            var cpu = Median(valid.Select(r => r.MicrosPerFrame));
            medians[system] = cpu;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {system} | {count} | {cpu:F1} ({string.Join(", ", valid.Select(r => r.MicrosPerFrame.ToString("F1", CultureInfo.InvariantCulture)))}) "
                + $"| {Median(valid.Select(r => r.InboundP99Ms)):F2} / {Median(valid.Select(r => r.OutboundP99Ms)):F2} ms "
                + $"({valid.Max(r => r.InboundP99Ms):F2} / {valid.Max(r => r.OutboundP99Ms):F2}) | {lost} |");
        }

        if (medians.TryGetValue(BenchOptions.Bridge, out var bridge) && medians.TryGetValue(BenchOptions.Floor, out var floor))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"bridge / floor CPU per relayed frame: {(floor > 0 ? (bridge / floor).ToString("F2", CultureInfo.InvariantCulture) + "×" : "n/a (the floor's CPU was below the clock's 10 ms resolution)")}");
        }

        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
