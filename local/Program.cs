using System.Runtime.InteropServices;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Telemetry;
using CallCenter.Core.Workflow;
using CallCenter.Local.Host;
using Microsoft.DurableTask.Client;

// The whole product on this machine, with no Twilio or OpenAI account: Azurite (data under .local-data/),
// the Functions routes and the Durable engine, the media bridge, and stand-ins for Twilio and OpenAI (real
// services replace them when the environment holds their credentials: see LocalStack and the README).
// Flags and commands: LocalCommandLine.Usage. Ctrl+C stops everything in order (Azurite last, as the
// Durable engine needs it to stop); a second Ctrl+C, or a stop past its deadline, ends the process at once.
var (line, error) = LocalCommandLine.Parse(args);
if (line is null || line.Help)
{
    if (error is not null)
    {
        await Console.Error.WriteLineAsync($"error: {error}");
    }

    await (line is null ? Console.Error : Console.Out).WriteLineAsync(LocalCommandLine.Usage);
    return line is null ? 2 : 0;
}

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
var localSettings = new LocalHostSettings
{
    DataFolder = configuration["Local:DataFolder"] is { Length: > 0 } folder ? folder : new LocalHostSettings().DataFolder,
    // 0 picks free ports: a second checkout, or a test, beside the default one.
    AzuritePorts = configuration.GetValue("Local:AzuriteBlobPort", 10000) is var blob and > 0 ? (blob, blob + 1, blob + 2) : null,
};

using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);

return await ShutdownGuard.RunAsync(
    stop,
    line.Command switch
    {
        "run" => RunAsync,
        "retention" => () => RetentionCommand.RunAsync(configuration, localSettings, stop.Token),
        _ => () => BackupCommand.RunAsync(line, configuration, localSettings, stop.Token),
    });

void OnStopSignal(PosixSignalContext signal)
{
    signal.Cancel = true;
    ShutdownGuard.Signalled(stop);
}

async Task<int> RunAsync()
{
    var port = line.Port ?? configuration.GetValue("Local:Port", 7071);
    var calls = line.NoCall ? 0 : line.Calls ?? configuration.GetValue("Local:Calls", 1);
    var scenario = line.Scenario;
    var outbound = line.Outbound || scenario == "voicemail";

    if (line.ConsoleTraces)
    {
        // Read by the hosts' telemetry set-up, which takes its settings from the environment as well.
        Environment.SetEnvironmentVariable(TelemetryRegistration.ConsoleSetting.Replace(":", "__", StringComparison.Ordinal), "true");
    }

    Console.WriteLine("Starting Azurite, the local host, the media bridge and the stand-ins for Twilio, OpenAI and Web PubSub...");
    await using var stack = await LocalStack.StartAsync(port, configuration["Storage:ConnectionString"], stop.Token, localSettings, LocalScenarios.Script(line.Scenario));
    var services = stack.Host.Services;
    await DemoTenant.SeedAsync(services, stop.Token);
    await LocalScenarios.PrepareAsync(line.Scenario, services, stop.Token);
    if (scenario is not null)
    {
        Console.WriteLine($"Scenario '{scenario}'");
    }
    Console.WriteLine($"Functions routes: {stack.Host.BaseUrl}api/ (OpenAPI: {stack.Host.BaseUrl}api/openapi.json)");
    Console.WriteLine($"Media bridge:     {stack.StreamUrl}");
    Console.WriteLine($"Traces:           {TelemetryRegistration.Destination(stack.Host.App.Configuration)}");
    Console.WriteLine($"Demo tenant '{DemoTenant.Id}', number {DemoTenant.Number}, lead Dana {DemoTenant.LeadPhone}");

    if (!stack.CanSimulateCalls)
    {
        Console.WriteLine("Real Twilio: no simulated call. Set your number's voice webhook to <Twilio__PublicBaseUrl>/api/twilio/voice,");
        Console.WriteLine($"add the number to a tenant (PUT /api/tenants/{DemoTenant.Id}) and call it from a phone.");
        calls = 0;
    }

    var adminKey = stack.Host.App.Configuration["Auth:AdminKey"]!;
    var live = LiveConsole.RunAsync(stack.Host.BaseUrl, DemoTenant.Id, adminKey, Console.WriteLine, stop.Token);
    var network = stack.CanSimulateCalls ? new PhoneNetwork(stack) : null;
    if (line.Scenario == LocalScenarios.Callback && network is not null)
    {
        calls = 0;
        await ReportAsync(await CallbackScenario.RunAsync(stack, network, adminKey, Progress, stop.Token));
    }

    if (line.Scenario == LocalScenarios.WhatsAppCallback && network is not null)
    {
        calls = 0;
        await ReportAsync(await WhatsAppCallbackScenario.RunAsync(stack, network, adminKey, Progress, stop.Token));
    }

    for (var i = 0; i < calls && !stop.IsCancellationRequested; i++)
    {
        var result = outbound ? await PlaceOutboundAsync() : await network!.CallInAsync(DemoTenant.LeadPhone, DemoTenant.Number, Progress, stop.Token, scenario);
        await ReportAsync(result);
    }

    Console.WriteLine($"Dashboard:        {Dashboard.Url(stack.Host.BaseUrl, DemoTenant.Id, adminKey)}");
    Console.WriteLine("Serving until Ctrl+C.");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }

    await live;
    return 0;

    static void Progress(string step) => Console.WriteLine($"  {step}");

    async Task<SimulatedCallResult> PlaceOutboundAsync()
    {
        var answered = new TaskCompletionSource<SimulatedCallResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Answer(IReadOnlyDictionary<string, string> dialled)
        {
            try
            {
                answered.TrySetResult(await network!.AnswerAsync(dialled, Progress, stop.Token, scenario));
            }
            catch (Exception e)
            {
                answered.TrySetException(e);
            }
        }

        stack.Twilio!.CallCreated += Answer;
        try
        {
            using var http = new HttpClient { BaseAddress = stack.Host.BaseUrl };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{DemoTenant.Id}/calls") { Content = JsonContent.Create(new { to = DemoTenant.LeadPhone }) };
            request.Headers.Add("X-Api-Key", adminKey);
            var response = await http.SendAsync(request, stop.Token);
            var placed = await response.Content.ReadFromJsonAsync<JsonElement>(stop.Token);
            Console.WriteLine($"Outbound call {placed.GetProperty("id").GetString()} accepted ({(int)response.StatusCode}); the agent speaks first");
            return await answered.Task.WaitAsync(TimeSpan.FromMinutes(2), stop.Token);
        }
        finally
        {
            stack.Twilio.CallCreated -= Answer;
        }
    }

    async Task ReportAsync(SimulatedCallResult result)
    {
        Console.WriteLine($"  the caller heard {result.AgentAudioMs} ms of agent audio and spoke {result.CallerAudioMs} ms");
        var durable = services.GetRequiredService<DurableTaskClient>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        var done = await durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(result.CallSid), timeout.Token);
        var call = await services.GetRequiredService<CallLogStore>().GetAsync(DemoTenant.Id, result.CallSid, stop.Token);
        var turns = await services.GetRequiredService<TurnStore>().ListAsync(DemoTenant.Id, result.CallSid, stop.Token);
        Console.WriteLine($"  workflow {done.RuntimeStatus}; status {call?.Status?.ToWire()}, {call?.DurationSeconds} s, {turns.Count} turns stored");
        if (call?.AnsweredBy is { } answeredBy)
        {
            Console.WriteLine($"  answered by: {answeredBy}");
        }

        if (call?.RecordingBlobPath is { } path)
        {
            Console.WriteLine($"  recording stored: {path}");
        }

        Console.WriteLine($"  transcript ({call?.TranscriptSource.ToString().ToLowerInvariant()}):");
        foreach (var line in (call?.FinalTranscript ?? "(none)").Split('\n'))
        {
            Console.WriteLine($"    {line}");
        }

        Console.WriteLine($"  summary: {call?.Summary ?? "(none)"}");
        if (call?.Transfer is { } transfer)
        {
            Console.WriteLine($"  transfer to {transfer.Target}: {transfer.Outcome} ({transfer.Reason})");
        }

        if (call?.RecordingBlobPath is { } blob
            && await services.GetRequiredService<RecordingStore>().GetReadLinkAsync(DemoTenant.Id, blob, RecordingStore.MaxLinkLifetime, DateTimeOffset.UtcNow, stop.Token) is { } link)
        {
            Console.WriteLine($"  recording (WAV, link valid 15 minutes): {link}");
        }
    }
}
