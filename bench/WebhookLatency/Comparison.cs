namespace CallCenter.Bench.WebhookLatency;

/// <summary>The runs of one command side by side: each system's median over its runs (valid ones only) and the ratios.</summary>
internal static class Comparison
{
    public static void Print(IReadOnlyList<RunFigures> runs, TextWriter output)
    {
        if (runs.Count < 2)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("=== comparison (median over each system's valid runs; every run in brackets, * = invalid) ===");
        var labels = runs.Select(r => r.Label).Distinct().ToList();
        foreach (var (name, figure, format) in new (string, Func<RunFigures, double>, string)[]
        {
            ("host CPU ms per call (window + drain)", r => r.HostMsPerCall, "F2"),
            ("Azurite CPU ms per call (window + drain)", r => r.AzuriteMsPerCall, "F2"),
            ("voice webhook p99 ms", r => r.VoiceP99, "F1"),
            ("status callbacks p99 ms", r => r.StatusP99, "F1"),
            ("storage requests per call", r => r.RequestsPerCall, "F1"),
            ("storage requests per voice answer", r => r.VoiceRequestsPerCall, "F2"),
            ("task hub requests per voice answer", r => r.VoiceTaskHubPerCall, "F2"),
            ("workflow completions/s", r => r.CompletionsPerSecond, "F2"),
        })
        {
            if (runs.All(r => double.IsNaN(figure(r))))
            {
                continue;
            }

            output.WriteLine(name);
            foreach (var label in labels)
            {
                var mine = runs.Where(r => r.Label == label).ToList();
                var valid = mine.Where(r => r.Valid).Select(figure).Where(v => !double.IsNaN(v)).ToList();
                var each = string.Join(", ", mine.Select(r => figure(r).ToString(format, System.Globalization.CultureInfo.InvariantCulture) + (r.Valid ? "" : "*")));
                output.WriteLine($"  {label,-14} {(valid.Count > 0 ? Median(valid).ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "no valid run"),10}  [{each}]");
            }
        }

        if (labels.Count == 2)
        {
            double M(string label, Func<RunFigures, double> f)
            {
                var values = runs.Where(r => r.Label == label && r.Valid).Select(f).Where(double.IsFinite).ToList();
                return values.Count > 0 ? Median(values) : double.NaN;
            }

            var (a, b) = (labels[0], labels[1]);
            output.WriteLine($"{b} / {a}: host CPU per call {M(b, r => r.HostMsPerCall) / M(a, r => r.HostMsPerCall):F2}, "
                + $"workflow completions/s {M(b, r => r.CompletionsPerSecond) / M(a, r => r.CompletionsPerSecond):F2}");
        }

        foreach (var label in labels.Where(l => runs.Count(r => r.Label == l && r.Valid) < 3))
        {
            output.WriteLine($"note: {label} has fewer than 3 valid runs; its median is not a figure to quote");
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
