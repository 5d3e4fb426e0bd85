using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using CallCenter.DevServices;
using CallCenter.Fakes;

// Open-loop load: webhooks are sent on a fixed schedule and latency is measured from the scheduled time,
// so a slow server is not hidden by a generator that waits for it. Each simulated call sends its voice
// webhook and four status callbacks (initiated, ringing, in-progress, completed), signed like Twilio.
// The local host (the system under test) runs alone on --host-core. Azurite stands in for Azure Storage, a
// remote service whose CPU is not the Functions host's: by default it shares the generator's core (start
// this with taskset -c 1), and the run is invalid when that core is saturated. CPU is read per process from
// /proc and per core from /proc/stat; the long default warm-up lets the host's tiered JIT and Azurite's V8
// settle, as on a long-lived instance.
// Usage: WebhookLatency [--rate 200] [--seconds 30] [--warmup 30] [--host-core 0] [--azurite-core 1]
//        [--azurite-disk] [--azurite-log FILE] [--drain 60] [--perf-map] [--env NAME=VALUE]...
var rate = Arg("--rate", 200);
var seconds = Arg("--seconds", 30);
var warmup = Arg("--warmup", 30);
var drainLimit = Arg("--drain", 60);
var hostCore = Arg("--host-core", 0);
var azuriteCore = Arg("--azurite-core", 1);
var azuriteLog = Text("--azurite-log");
var generatorCores = Affinity();
// The local host signs and checks with its stand-in Twilio account's token.
const string token = "local-twilio-auth-token-not-a-secret";
const string adminKey = "bench-admin-key-0123456789abcdef0123456789";

Console.WriteLine($"load average {LoadAverage()} at start");
// Azurite stands in for a remote storage service: in memory unless asked, so its disk is not measured.
await using var azurite = args.Contains("--azurite-disk") ? await AzuriteServer.StartAsync() : await AzuriteServer.StartInMemoryAsync(azuriteLog);
Pin(azurite.ProcessId, azuriteCore);
var port = AzuriteServer.FreePort();
var root = AzuriteServer.RepositoryRoot();
var start = new ProcessStartInfo("taskset")
{
    ArgumentList = { "-c", hostCore.ToString(CultureInfo.InvariantCulture), "dotnet", Path.Combine(root, "local", "bin", "Release", "net10.0", "CallCenter.Local.dll"), "--no-call", "--port", port.ToString(CultureInfo.InvariantCulture) },
    Environment =
    {
        ["Storage__ConnectionString"] = azurite.ConnectionString,
        ["Auth__AdminKey"] = adminKey,
        ["Logging__LogLevel__Default"] = "Warning",
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
    },
    RedirectStandardOutput = true,
    RedirectStandardError = true,
};
if (args.Contains("--perf-map"))
{
    // Names JIT-compiled frames for `perf record -p <host pid>`.
    start.Environment["DOTNET_PerfMapEnabled"] = "1";
    start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
}

foreach (var setting in args.Select((a, i) => (a, i)).Where(x => x.a == "--env" && x.i + 1 < args.Length).Select(x => args[x.i + 1]))
{
    var equals = setting.IndexOf('=', StringComparison.Ordinal);
    start.Environment[setting[..equals]] = setting[(equals + 1)..];
}

var host = Process.Start(start)!;
var hostOutput = new System.Text.StringBuilder();
host.OutputDataReceived += (_, e) => { lock (hostOutput) { hostOutput.AppendLine(e.Data); } };
host.ErrorDataReceived += (_, e) => { lock (hostOutput) { hostOutput.AppendLine(e.Data); } };
host.BeginOutputReadLine();
host.BeginErrorReadLine();

try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
        Timeout = TimeSpan.FromSeconds(30),
    };
    if (!await WaitForHealthAsync(http, host))
    {
        Console.Error.WriteLine($"the local host did not start:\n{hostOutput}");
        return 1;
    }

    var number = "+15550009000";
    using (var tenant = new HttpRequestMessage(HttpMethod.Put, "api/tenants/bench") { Content = JsonContent.Create(new { name = "Bench", voiceNumbers = new[] { number } }) })
    {
        tenant.Headers.Add("X-Api-Key", adminKey);
        (await http.SendAsync(tenant)).EnsureSuccessStatusCode();
    }

    Console.WriteLine($"rate {rate}/s, warm-up {warmup} s, measured {seconds} s; local host pid {host.Id} on core {hostCore}, Azurite pid {azurite.ProcessId} on core {azuriteCore}, generator on core(s) {string.Join(',', generatorCores)}");

    // The engine's background work with nothing to do (queue polling, lease renewal).
    var idle = Sample.Take(host.Id, azurite.ProcessId);
    await Task.Delay(TimeSpan.FromSeconds(5));
    var idleCpu = Sample.Take(host.Id, azurite.ProcessId) - idle;
    Console.WriteLine($"idle after start: local host {idleCpu.Host / idleCpu.Wall * 100:F1}%, Azurite {idleCpu.Azurite / idleCpu.Wall * 100:F1}% of a core");

    await RunAsync(http, number, rate, warmup, record: false);
    var requestsBefore = AzuriteRequests(azuriteLog);
    var before = Sample.Take(host.Id, azurite.ProcessId);
    var latencies = await RunAsync(http, number, rate, seconds, record: true);
    var window = Sample.Take(host.Id, azurite.ProcessId) - before;
    var requestsInWindow = AzuriteRequests(azuriteLog) - requestsBefore;
    var load = LoadAverage();

    // What the webhooks left for the engine to finish (orchestration episodes of the calls just started).
    var drainStart = Sample.Take(host.Id, azurite.ProcessId);
    var last = drainStart;
    while ((last.At - drainStart.At).TotalSeconds < drainLimit)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var now = Sample.Take(host.Id, azurite.ProcessId);
        var step = now - last;
        last = now;
        if ((step.Host + step.Azurite) / step.Wall < (idleCpu.Host + idleCpu.Azurite) / idleCpu.Wall + 0.05)
        {
            break;
        }
    }

    var drain = last - drainStart;
    var requestsInDrain = AzuriteRequests(azuriteLog) - requestsBefore - requestsInWindow;

    // Idle again once warm: what the engine costs with nothing to do (the first idle figure includes start-up JIT).
    var settled = Sample.Take(host.Id, azurite.ProcessId);
    await Task.Delay(TimeSpan.FromSeconds(5));
    var settledCpu = Sample.Take(host.Id, azurite.ProcessId) - settled;

    latencies.Sort();
    double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Floor(q * latencies.Count))];
    var failures = latencies.Count(double.IsPositiveInfinity);
    var n = latencies.Count;
    Console.WriteLine($"requests {n} in {window.Wall:F1} s ({n / window.Wall:F0}/s served of {rate}/s offered), failures {failures}");
    Console.WriteLine($"latency ms: p50 {P(0.50):F2}  p99 {P(0.99):F2}  max {latencies[^1]:F2}");
    Console.WriteLine($"local host CPU: {window.Host / window.Wall * 100:F0}% of a core, {window.Host / n * 1000:F2} ms per request");
    Console.WriteLine($"Azurite CPU:    {window.Azurite / window.Wall * 100:F0}% of a core, {window.Azurite / n * 1000:F2} ms per request");
    Console.WriteLine($"drain after the window: {drain.Wall:F1} s, local host {drain.Host:F2} s CPU, Azurite {drain.Azurite:F2} s CPU"
        + $" => with drain {(window.Host + drain.Host) / n * 1000:F2} + {(window.Azurite + drain.Azurite) / n * 1000:F2} ms per request");
    Console.WriteLine($"idle after the drain: local host {settledCpu.Host / settledCpu.Wall * 100:F1}%, Azurite {settledCpu.Azurite / settledCpu.Wall * 100:F1}% of a core");
    if (azuriteLog is not null)
    {
        Console.WriteLine($"Azurite requests: {requestsInWindow} in the window ({(double)requestsInWindow / n:F1} per webhook), {requestsInDrain} in the drain");
        foreach (var (kind, count) in AzuriteRequestKinds(azuriteLog, before.At, before.At.AddSeconds(window.Wall)))
        {
            Console.WriteLine($"  {(double)count / n,6:F2} per webhook  {kind}");
        }
    }

    var generator = window.Self / window.Wall;
    var cores = window.CoreBusy.Select((busy, core) => $"core {core} {busy / window.Wall * 100:F0}%");
    Console.WriteLine($"load generator CPU: {generator * 100:F0}% of a core; busy {string.Join(", ", cores)}; load average {load}");
    // The generator's core(s) must not be the bottleneck: neither the generator alone nor what shares its core.
    var generatorCoreBusy = generatorCores.Select(c => window.CoreBusy[c] / window.Wall).DefaultIfEmpty(generator).Max();
    if (generator > 0.9 || generatorCoreBusy > 0.9)
    {
        Console.WriteLine($"=> INVALID RUN: the generator's core was {generatorCoreBusy * 100:F0}% busy");
    }

    return 0;
}
finally
{
    host.Kill(entireProcessTree: true);
    await host.WaitForExitAsync();
}

int Arg(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

string? Text(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

static async Task<List<double>> RunAsync(HttpClient http, string number, int rate, int seconds, bool record)
{
    var total = rate * seconds;
    var latencies = new List<double>(total);
    var tasks = new List<Task>(total);
    var clock = Stopwatch.StartNew();
    string[] statuses = ["initiated", "ringing", "in-progress", "completed"];
    var callSid = "";
    for (var i = 0; i < total; i++)
    {
        var due = TimeSpan.FromSeconds((double)i / rate);
        var wait = due - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait);
        }

        var step = i % 5;
        if (step == 0)
        {
            callSid = "CA" + Guid.NewGuid().ToString("N");
        }

        var (path, form) = step == 0
            ? ("api/twilio/voice", Fields(callSid, number, "ringing", null))
            : ("api/twilio/status", Fields(callSid, number, statuses[step - 1], step - 1));
        tasks.Add(SendAsync(http, path, form, due, clock, latencies, record));
    }

    await Task.WhenAll(tasks);
    return latencies;
}

static async Task SendAsync(HttpClient http, string path, Dictionary<string, string> form, TimeSpan due, Stopwatch clock, List<double> latencies, bool record)
{
    var url = new Uri(http.BaseAddress!, path);
    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
    request.Headers.Add("X-Twilio-Signature", TwilioRequestSigner.Sign(token, url.AbsoluteUri, form));
    double latency;
    try
    {
        using var response = await http.SendAsync(request);
        latency = response.IsSuccessStatusCode ? (clock.Elapsed - due).TotalMilliseconds : double.PositiveInfinity;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        latency = double.PositiveInfinity;
    }

    if (record)
    {
        lock (latencies)
        {
            latencies.Add(latency);
        }
    }
}

static Dictionary<string, string> Fields(string callSid, string number, string status, int? sequence)
{
    var fields = new Dictionary<string, string>
    {
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["CallSid"] = callSid,
        ["From"] = "+15557770000",
        ["To"] = number,
        ["Direction"] = "inbound",
        ["CallStatus"] = status,
        ["ApiVersion"] = "2010-04-01",
    };
    if (sequence is { } n)
    {
        fields["SequenceNumber"] = n.ToString(CultureInfo.InvariantCulture);
    }

    return fields;
}

static async Task<bool> WaitForHealthAsync(HttpClient http, Process host)
{
    var deadline = DateTime.UtcNow.AddMinutes(2);
    while (DateTime.UtcNow < deadline && !host.HasExited)
    {
        try
        {
            if ((await http.GetAsync("api/health")).IsSuccessStatusCode)
            {
                return true;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(250);
    }

    return false;
}

static void Pin(int pid, int core) =>
    Process.Start("taskset", ["-a", "-p", "-c", core.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

// The cores this process may run on (taskset -c 1 gives [1]).
static int[] Affinity()
{
    var list = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();
    return list.Split(',').SelectMany(part => part.Split('-') is [var a, var b]
        ? Enumerable.Range(int.Parse(a, CultureInfo.InvariantCulture), int.Parse(b, CultureInfo.InvariantCulture) - int.Parse(a, CultureInfo.InvariantCulture) + 1)
        : [int.Parse(part, CultureInfo.InvariantCulture)]).ToArray();
}

// Requests Azurite logged so far: its debug log ends each request with one "End response" line.
static long AzuriteRequests(string? log) =>
    log is null || !File.Exists(log) ? 0 : File.ReadLines(log).LongCount(l => l.Contains("EndMiddleware: End response", StringComparison.Ordinal));

// The window's requests by resource (task hub queues and tables, product tables) and operation, from the
// debug log's per-request lines: "<time> <request id> info: ...RequestURL=..." and "...Operation=...".
static IEnumerable<(string Kind, int Count)> AzuriteRequestKinds(string log, DateTime from, DateTime to)
{
    var resources = new Dictionary<string, string>();
    var operations = new Dictionary<string, string>();
    foreach (var line in File.ReadLines(log))
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 4 || !DateTime.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var at) || at < from || at >= to)
        {
            continue;
        }

        if (System.Text.RegularExpressions.Regex.Match(parts[3], @"RequestURL=http://[^/]+/[^/]+/([^?( ]*)") is { Success: true } url)
        {
            // Queue names end in a partition number, message URLs in a message id: neither tells the kind apart.
            resources[parts[1]] = System.Text.RegularExpressions.Regex.Replace(url.Groups[1].Value, @"(-\d+)?/messages(/.*)?$", "/messages");
        }
        else if (System.Text.RegularExpressions.Regex.Match(parts[3], @"DispatchMiddleware: Operation=(\S+)") is { Success: true } operation)
        {
            operations[parts[1]] = operation.Groups[1].Value;
        }
    }

    return operations.GroupBy(o => $"{resources.GetValueOrDefault(o.Key, "?")} {o.Value}")
        .Select(g => (g.Key, g.Count()))
        .OrderByDescending(k => k.Item2);
}

/// <summary>CPU seconds of the host, Azurite and this process, and busy seconds of each core, at one instant.</summary>
internal sealed record Sample(DateTime At, double Host, double Azurite, double Self, double[] CoreBusy)
{
    public double Wall { get; init; }

    public static Sample Take(int hostPid, int azuritePid) =>
        new(DateTime.UtcNow, CpuSeconds(hostPid), CpuSeconds(azuritePid), Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, CoreBusySeconds());

    public static Sample operator -(Sample a, Sample b) =>
        new(a.At, a.Host - b.Host, a.Azurite - b.Azurite, a.Self - b.Self, a.CoreBusy.Zip(b.CoreBusy, (x, y) => x - y).ToArray())
        {
            Wall = (a.At - b.At).TotalSeconds,
        };

    // utime + stime of a process, from /proc/<pid>/stat (clock ticks of 10 ms).
    private static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    // Per core, everything but idle and iowait, from the cpuN lines of /proc/stat.
    private static double[] CoreBusySeconds() =>
        File.ReadLines("/proc/stat")
            .Where(l => l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]))
            .Select(l =>
            {
                var v = l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                return (v.Take(8).Sum() - v[3] - v[4]) / 100.0;
            })
            .ToArray();
}
