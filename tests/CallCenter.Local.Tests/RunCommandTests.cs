using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CallCenter.DevServices;
using CallCenter.Testing;

namespace CallCenter.Local.Tests;

/// <summary>The run command as a newcomer runs it: its own process, stopped with Ctrl+C's signal and run again.</summary>
public sealed partial class RunCommandTests
{
    private const string AdminKey = "local-admin-key-for-this-machine-only-0123456789"; // local/appsettings.json

    [Fact]
    public async Task Stopping_and_running_again_keeps_the_earlier_calls_and_does_not_rerun_their_workflows()
    {
        var data = Directory.CreateTempSubdirectory("callcenter-rerun-");
        try
        {
            var (firstOutput, firstCall, firstWorkflow) = await RunOnceAsync(data.FullName);
            Assert.Contains("workflow Completed", firstOutput, StringComparison.Ordinal);
            Assert.Contains("recording (WAV, link valid 15 minutes): http", firstOutput, StringComparison.Ordinal);
            Assert.Contains("Dashboard:", firstOutput, StringComparison.Ordinal);
            Assert.Contains("Traces:           nowhere (set APPLICATIONINSIGHTS_CONNECTION_STRING", firstOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("Activity.DisplayName:", firstOutput, StringComparison.Ordinal);

            var (secondOutput, secondCall, _, earlier) = await RunAgainAsync(data.FullName, firstCall);
            Assert.NotEqual(firstCall, secondCall);
            Assert.Contains("workflow Completed", secondOutput, StringComparison.Ordinal);
            Assert.True(earlier.Listed, "the first run's call is listed after the restart");
            Assert.Equal(firstWorkflow, earlier.Workflow);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task With_real_twilio_and_openai_credentials_the_stand_ins_step_aside_and_twilio_is_answered_on_the_public_urls()
    {
        const string Token = "real-looking-twilio-auth-token-0123";
        await using var azurite = await AzuriteServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["Twilio__AccountSid"] = "AC" + new string('7', 32),
            ["Twilio__AuthToken"] = Token,
            ["Twilio__PublicBaseUrl"] = "https://callcenter.tunnel.test/",
            ["Bridge__StreamUrl"] = "wss://bridge.tunnel.test/media",
            ["Local__BridgePort"] = AzuriteServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OpenAI__ApiKey"] = "sk-real-looking-key",
        };
        await using var run = await LocalRun.StartAsync(azurite.ConnectionString, ["--calls", "1"], environment);

        // Twilio signs the public URL it was given, not the loopback address the request arrives on.
        var form = new Dictionary<string, string> { ["CallSid"] = "CA" + new string('1', 32), ["From"] = "+15555550100", ["To"] = "+15550001000", ["CallStatus"] = "ringing", ["Direction"] = "inbound" };
        var twiml = await run.PostTwilioAsync("https://callcenter.tunnel.test/api/twilio/voice", form, Token);
        var output = await run.StopAsync();

        Assert.Contains("Real Twilio: no simulated call.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ringing", output, StringComparison.Ordinal);
        Assert.Contains("url=\"wss://bridge.tunnel.test/media\"", twiml, StringComparison.Ordinal);
        Assert.Contains("recordingStatusCallback=\"https://callcenter.tunnel.test/api/twilio/recording", twiml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_console_traces_the_run_says_so_and_prints_the_calls_spans_with_its_callsid()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var run = await LocalRun.StartAsync(azurite.ConnectionString, ["--calls", "1", "--console-traces"]);
        var callSid = run.CallSid();
        var output = await run.StopAsync();

        Assert.Contains("Traces:           the console", output, StringComparison.Ordinal);
        Assert.Matches(@"Activity.DisplayName:\s+voice webhook", output);
        Assert.Matches(@"Activity.DisplayName:\s+bridge session", output);
        Assert.Matches(@"Activity.DisplayName:\s+step FinishCall", output);
        Assert.Contains($"callcenter.call_sid: {callSid}", output, StringComparison.Ordinal);
    }

    private static async Task<(string Output, string CallSid, string Workflow)> RunOnceAsync(string dataFolder)
    {
        await using var azurite = await AzuriteServer.StartAsync(dataFolder);
        await using var run = await LocalRun.StartAsync(azurite.ConnectionString);
        var callSid = run.CallSid();
        var workflow = await run.WorkflowAsync(callSid);
        return (await run.StopAsync(), callSid, workflow);
    }

    private static async Task<(string Output, string CallSid, string Workflow, (bool Listed, string Workflow) Earlier)> RunAgainAsync(string dataFolder, string earlierCall)
    {
        // Azurite restarts too, from the same folder: nothing survives but what it stored.
        await using var azurite = await AzuriteServer.StartAsync(dataFolder);
        await using var run = await LocalRun.StartAsync(azurite.ConnectionString);
        var callSid = run.CallSid();
        var workflow = await run.WorkflowAsync(callSid);
        var calls = await run.GetAsync("/api/tenants/demo/calls?limit=100");
        var listed = calls.GetProperty("items").EnumerateArray().Any(c => c.GetProperty("id").GetString() == earlierCall);
        var earlier = await run.WorkflowAsync(earlierCall);
        return (await run.StopAsync(), callSid, workflow, (listed, earlier));
    }

    /// <summary>`dotnet CallCenter.Local.dll` with one simulated call, on the given storage.</summary>
    private sealed partial class LocalRun : IAsyncDisposable
    {
        private readonly LocalHostProcess _host;
        private readonly HttpClient _http;

        private LocalRun(LocalHostProcess host, int port)
        {
            _host = host;
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            _http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        }

        public static async Task<LocalRun> StartAsync(string storage, string[]? args = null, IReadOnlyDictionary<string, string>? environment = null)
        {
            var port = AzuriteServer.FreePort();
            var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["Storage__ConnectionString"] = storage };
            var run = new LocalRun(LocalHostProcess.Start(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args ?? ["--calls", "1"]], variables), port);
            var deadline = DateTime.UtcNow.AddMinutes(4);
            while (!run.Output.Contains("Serving until Ctrl+C.", StringComparison.Ordinal))
            {
                Assert.False(run._host.Process.HasExited, $"the run command exited:\n{run.Output}");
                Assert.True(DateTime.UtcNow < deadline, $"the run command did not finish its call:\n{run.Output}");
                await Task.Delay(250);
            }

            return run;
        }

        public string Output => _host.Output;

        public string CallSid() => CallLine().Match(Output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException(Output);

        public async Task<JsonElement> GetAsync(string path) => await _http.GetFromJsonAsync<JsonElement>(path);

        /// <summary>A webhook signed for <paramref name="publicUrl"/>, delivered to this run's port.</summary>
        public async Task<string> PostTwilioAsync(string publicUrl, Dictionary<string, string> form, string authToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(publicUrl).PathAndQuery) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("X-Twilio-Signature", Fakes.TwilioRequestSigner.Sign(authToken, publicUrl, form));
            using var response = await _http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
            return body;
        }

        /// <summary>
        /// The instance as support staff see it: a run again is a new execution, with a new created time. Not its
        /// last-updated time: the engine delivers a message at least once, and a run stopped right after a workflow
        /// completed can leave that episode's message, which the next run takes once its visibility timeout (30 s)
        /// ends: the completed instance keeps its one execution, and only that time moves.
        /// </summary>
        public async Task<string> WorkflowAsync(string callSid)
        {
            var w = await GetAsync($"/api/tenants/demo/calls/{callSid}/workflow");
            return $"{w.GetProperty("status")} {w.GetProperty("createdAt")}";
        }

        /// <summary>What Ctrl+C does: SIGTERM/SIGINT, then the process ends on its own.</summary>
        public async Task<string> StopAsync()
        {
            using var kill = Process.Start("kill", ["-INT", _host.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.Process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, _host.Process.ExitCode);
            return Output;
        }

        public ValueTask DisposeAsync()
        {
            _host.Dispose();
            _http.Dispose();
            return ValueTask.CompletedTask;
        }

        [GeneratedRegex(@"call (CA[0-9a-f]{32}) from")]
        private static partial Regex CallLine();
    }
}
