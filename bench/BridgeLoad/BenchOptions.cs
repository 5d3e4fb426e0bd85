using System.Globalization;

namespace CallCenter.Bench.BridgeLoad;

/// <summary>The load run's command line.</summary>
internal sealed record BenchOptions(
    int[] Calls,
    int Seconds,
    int Warmup,
    string Core,
    string Transport,
    string Inline,
    bool PerfMap,
    IReadOnlyList<KeyValuePair<string, string>> BridgeEnvironment,
    string[] Systems,
    int Repeat,
    string? BridgeExe = null,
    double CallsPerSecond = 0)
{
    public const string Bridge = "bridge";
    public const string Floor = "floor";

    public static BenchOptions Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        // Runtime settings under test: --env NAME=VALUE, repeatable.
        var environment = new List<KeyValuePair<string, string>>();
        for (var a = 0; a < args.Length - 1; a++)
        {
            if (args[a] == "--env" && args[a + 1].Split('=', 2) is [var name, var value])
            {
                environment.Add(new(name, value));
            }
        }

        var systems = Arg("--sut", Bridge).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (systems.Length == 0 || systems.Any(s => s is not (Bridge or Floor)) || systems.Distinct().Count() != systems.Length)
        {
            throw new ArgumentException($"--sut takes {Bridge}, {Floor} or both, comma-separated, each once");
        }

        var repeat = int.Parse(Arg("--repeat", "1"), CultureInfo.InvariantCulture);
        if (repeat < 1)
        {
            throw new ArgumentException("--repeat must be at least 1");
        }

        // A published bridge (media-bridge/Program.cs itself) instead of serve-bridge: the Native AOT binary, or the
        // apphost of a JIT publish, to compare the two on the same footing.
        var bridgeExe = Arg("--bridge-exe", "") is { Length: > 0 } exe ? Path.GetFullPath(exe) : null;
        if (bridgeExe is not null && !File.Exists(bridgeExe))
        {
            throw new ArgumentException($"--bridge-exe: no file {bridgeExe}");
        }

        return new BenchOptions(
            Arg("--calls", "100,500,1000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Arg("--seconds", "20"), CultureInfo.InvariantCulture),
            int.Parse(Arg("--warmup", "5"), CultureInfo.InvariantCulture),
            Arg("--bridge-core", "0"),
            Arg("--transport", "SdkSocket"),
            Arg("--inline", "true"),
            args.Contains("--perf-map"),
            environment,
            systems,
            repeat,
            bridgeExe,
            double.Parse(Arg("--calls-per-second", "0"), CultureInfo.InvariantCulture));
    }
}
