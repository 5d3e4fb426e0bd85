using System.Globalization;

namespace CallCenter.Local.Host;

/// <summary>
/// The run command's arguments, checked strictly: a misspelt flag is an error with the usage, never a run
/// that silently does something else. <c>--name value</c> and <c>--name=value</c> are both accepted.
/// </summary>
public sealed record LocalCommandLine
{
    public const string Usage = """
        Usage:
          dotnet run --project local [-- [options]]     the whole product on this machine
            --port N        the Functions routes' port (default 7071)
            --calls N       simulated calls to place at start (default 1)
            --no-call       place none
            --outbound      the agent calls the lead instead of the lead calling in
            --console-traces
                            print every span to the console as well (off by default)
            --scenario NAME play one call-control scenario instead of the usual call:
                            voicemail (an outbound call a machine answers: the message, then one hangup),
                            dtmf (the caller presses keys), silence (the caller says nothing),
                            transfer (the agent hands the caller to a person, who hears a whispered
                            summary and answers), transfer-unanswered (nobody answers: the caller is back
                            with the agent, who offers a callback), callback (two callbacks scheduled
                            through the API, 10 s ahead: one the lead answers, one to a busy line; watch
                            each dial at its time and how it ends; no call at start), whatsapp-callback
                            (the lead asks on WhatsApp to be called back 15 s ahead: the agent's
                            schedule_callback, its reply, then the one callback dialling at its time; no
                            call at start)
          dotnet run --project local -- export
                            export every tenant's rows changed up to today 00:00 UTC (what the daily timer does)
          dotnet run --project local -- restore --tenant ID --from EXPORT
                            put a tenant's rows back as of an export (a name such as 20261202T000000Z, or latest)
          dotnet run --project local -- retention
                            delete recordings (and transcripts, where the tenant asks) past each tenant's retention
                            (what the daily timer does)
          dotnet run --project local -- --help
        Storage is the local Azurite unless Storage__ConnectionString (or Storage__BlobServiceUri and
        Storage__TableServiceUri, with your Azure sign-in) names another account; see docs/runbook.md.
        """;

    private static readonly HashSet<string> Switches = ["--no-call", "--outbound", "--console-traces", "--help"];
    private static readonly Dictionary<string, HashSet<string>> ValueOptions = new(StringComparer.Ordinal)
    {
        ["run"] = ["--port", "--calls", "--scenario"],
        ["export"] = [],
        ["restore"] = ["--tenant", "--from"],
        ["retention"] = [],
    };

    /// <summary><c>run</c>, <c>export</c>, <c>restore</c> or <c>retention</c>.</summary>
    public string Command { get; init; } = "run";

    public int? Port { get; init; }
    public int? Calls { get; init; }
    public bool NoCall { get; init; }
    public bool Outbound { get; init; }
    public bool ConsoleTraces { get; init; }
    public bool Help { get; init; }
    public string? Tenant { get; init; }
    public string? From { get; init; }

    /// <summary>A named demonstration for the simulated calls (<c>--scenario NAME</c>); null plays the plain call.</summary>
    public string? Scenario { get; init; }

    /// <summary>The parsed arguments, or the reason they make no command.</summary>
    public static (LocalCommandLine? Line, string? Error) Parse(IReadOnlyList<string> args)
    {
        var first = args.Count > 0 && ValueOptions.ContainsKey(args[0]) ? 1 : 0;
        var command = first == 1 ? args[0] : "run";
        var line = new LocalCommandLine { Command = command };
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = first; i < args.Count; i++)
        {
            var (name, inline) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            if (command == "run" && Switches.Contains(name) && inline is null)
            {
                line = name switch
                {
                    "--no-call" => line with { NoCall = true },
                    "--outbound" => line with { Outbound = true },
                    "--console-traces" => line with { ConsoleTraces = true },
                    _ => line with { Help = true },
                };
                continue;
            }

            if (name == "--help" && inline is null)
            {
                line = line with { Help = true };
                continue;
            }

            if (!ValueOptions[command].Contains(name))
            {
                return (null, $"unknown {(name.StartsWith('-') ? "option" : "argument")} '{args[i]}'{(command == "run" ? "" : $" for {command}")}");
            }

            var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (string.IsNullOrEmpty(value))
            {
                return (null, $"{name} needs a value");
            }

            values[name] = value;
        }

        return command switch
        {
            "run" => Run(line, values),
            "restore" when line.Help => (line, null),
            "restore" when !values.ContainsKey("--tenant") || !values.ContainsKey("--from") => (null, "restore needs --tenant and --from"),
            "restore" => (line with { Tenant = values["--tenant"], From = values["--from"] }, null),
            _ => (line, null),
        };
    }

    private static (LocalCommandLine?, string?) Run(LocalCommandLine line, Dictionary<string, string> values)
    {
        int? port = null, calls = null;
        if (values.TryGetValue("--port", out var p))
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
            {
                return (null, $"--port must be a port number (1-65535), not '{p}'");
            }

            port = parsed;
        }

        if (values.TryGetValue("--calls", out var c))
        {
            if (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return (null, $"--calls must be a number of calls, not '{c}'");
            }

            calls = parsed;
        }

        var scenario = values.GetValueOrDefault("--scenario");
        if (scenario is not null && !LocalScenarios.IsKnown(scenario))
        {
            return (null, $"--scenario must be one of {string.Join(", ", LocalScenarios.Names)}, not '{scenario}'");
        }

        return (line with { Port = port, Calls = calls, Scenario = scenario }, null);
    }
}
