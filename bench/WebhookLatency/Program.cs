using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using CallCenter.DevServices;
using CallCenter.Fakes;

// Open-loop load: webhooks are sent on a fixed schedule and latency is measured from the scheduled time,
// so a slow server is not hidden by a generator that waits for it. Each simulated call sends its voice
// webhook and four status callbacks (initiated, ringing, in-progress, completed), signed like Twilio.
// The local host (system under test) and its Azurite run on core 0; this generator runs where it is started
// (taskset -c 1). Usage: WebhookLatency [--rate 200] [--seconds 30] [--warmup 5]
var rate = Arg("--rate", 200);
var seconds = Arg("--seconds", 30);
var warmup = Arg("--warmup", 5);
// The local host signs and checks with its stand-in Twilio account's token.
const string token = "local-twilio-auth-token-not-a-secret";
const string adminKey = "bench-admin-key-0123456789abcdef0123456789";

await using var azurite = await AzuriteServer.StartAsync();
Pin(azurite.ProcessId);
var port = AzuriteServer.FreePort();
var root = AzuriteServer.RepositoryRoot();
var host = Process.Start(new ProcessStartInfo("taskset")
{
    ArgumentList = { "-c", "0", "dotnet", Path.Combine(root, "local", "bin", "Release", "net10.0", "CallCenter.Local.dll"), "--no-call", "--port", port.ToString(CultureInfo.InvariantCulture) },
    Environment =
    {
        ["Storage__ConnectionString"] = azurite.ConnectionString,
        ["Auth__AdminKey"] = adminKey,
        ["Logging__LogLevel__Default"] = "Warning",
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
    },
    RedirectStandardOutput = true,
    RedirectStandardError = true,
})!;
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
        return;
    }

    var number = "+15550009000";
    using (var tenant = new HttpRequestMessage(HttpMethod.Put, "api/tenants/bench") { Content = JsonContent.Create(new { name = "Bench", voiceNumbers = new[] { number } }) })
    {
        tenant.Headers.Add("X-Api-Key", adminKey);
        (await http.SendAsync(tenant)).EnsureSuccessStatusCode();
    }

    Console.WriteLine($"rate {rate}/s, warm-up {warmup} s, measured {seconds} s; local host pid {host.Id} and Azurite on core 0");
    await RunAsync(http, number, rate, warmup, record: false);
    var serverBefore = CpuSeconds(host.Id) + CpuSeconds(azurite.ProcessId);
    var selfBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    var wall = Stopwatch.StartNew();
    var latencies = await RunAsync(http, number, rate, seconds, record: true);
    var elapsed = wall.Elapsed.TotalSeconds;
    var serverCpu = CpuSeconds(host.Id) + CpuSeconds(azurite.ProcessId) - serverBefore;
    var selfCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - selfBefore;

    latencies.Sort();
    double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Floor(q * latencies.Count))];
    var failures = latencies.Count(double.IsPositiveInfinity);
    var generatorLoad = selfCpu / elapsed;
    Console.WriteLine($"requests {latencies.Count} in {elapsed:F1} s ({latencies.Count / elapsed:F0}/s), failures {failures}");
    Console.WriteLine($"latency ms: p50 {P(0.50):F2}  p99 {P(0.99):F2}  max {latencies[^1]:F2}");
    Console.WriteLine($"server CPU (local host + Azurite): {serverCpu / elapsed * 100:F0}% of a core, {serverCpu / latencies.Count * 1000:F2} ms per request");
    Console.WriteLine($"load generator CPU: {generatorLoad * 100:F0}% of a core{(generatorLoad > 0.9 ? "  => INVALID RUN (generator saturated)" : "")}");
}
finally
{
    host.Kill(entireProcessTree: true);
    await host.WaitForExitAsync();
}

return;

int Arg(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);

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

static void Pin(int pid) => Process.Start("taskset", ["-a", "-p", "-c", "0", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

// utime + stime of a process, from /proc/<pid>/stat (clock ticks of 10 ms).
static double CpuSeconds(int pid)
{
    var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}
