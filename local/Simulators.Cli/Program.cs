using System.Globalization;
using CallCenter.Fakes;
using CallCenter.Simulators;

// callsim fake-openai [--port 0] [--greeting-ms 600] [--reply-ms 400] [--end-call-after 0] [--pace]
// callsim fake-twilio --auth-token T [--account-sid AC…] [--port 0]
// callsim call --url ws://127.0.0.1:8080/media --auth-token T --call-sid CA… --token <stream token>
//              [--wav caller.wav | --speech-ms 1500] [--turns 2] [--realtime] [--record heard.wav] [--seconds 30]
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: callsim fake-openai|fake-twilio|call [options] (see Program.cs)");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

switch (args[0])
{
    case "fake-openai":
    {
        await using var server = await FakeRealtimeServer.StartAsync(
            new FakeRealtimeScript
            {
                GreetingMs = Int("--greeting-ms", 600),
                ReplyMs = Int("--reply-ms", 400),
                EndCallAfterCallerTurns = Int("--end-call-after", 0),
                PaceAudio = Has("--pace"),
            },
            Int("--port", 0));
        Console.WriteLine($"fake OpenAI Realtime: endpoint {server.Endpoint} (Ctrl+C stops)");
        await WaitAsync(stop.Token);
        Console.WriteLine($"connections {server.Connections}, response.create {server.ResponseCreates}, truncates {server.Truncates.Count}");
        return 0;
    }

    case "fake-twilio":
    {
        await using var server = await FakeTwilioApi.StartAsync(
            Str("--account-sid") ?? "AC00000000000000000000000000000000",
            Str("--auth-token") ?? throw new ArgumentException("--auth-token is required"),
            Int("--port", 0));
        Console.WriteLine($"fake Twilio REST: base URL {server.Root} (Ctrl+C stops)");
        server.CallCompleted += sid =>
        {
            Console.WriteLine($"hangup {sid}");
            return Task.CompletedTask;
        };
        await WaitAsync(stop.Token);
        Console.WriteLine($"call updates {server.CallUpdates.Values.Sum()}, hangups {server.TotalHangups}");
        return 0;
    }

    case "call":
    {
        var speech = Str("--wav") is { } wav ? CallerAudio.FromWav(wav) : CallerAudio.Speech(Int("--speech-ms", 1500));
        var script = new List<CallerStep> { new CallerStep.WaitUntilHeard(200) };
        for (var turn = 0; turn < Int("--turns", 2); turn++)
        {
            script.Add(new CallerStep.Send(speech));
            script.Add(new CallerStep.Send(CallerAudio.Silence(800)));
        }

        await using var call = await SimulatedCall.StartAsync(new SimulatedCallOptions
        {
            StreamUrl = new Uri(Str("--url") ?? throw new ArgumentException("--url is required")),
            AuthToken = Str("--auth-token") ?? throw new ArgumentException("--auth-token is required"),
            CallSid = Str("--call-sid") ?? "CA" + Guid.NewGuid().ToString("N"),
            Parameters = Str("--token") is { } token ? new Dictionary<string, string> { ["token"] = token } : new Dictionary<string, string>(),
            Pacing = Has("--realtime") ? Pacing.RealTime : Pacing.FlatOut,
            RealTimePlayback = Has("--realtime"),
            Script = script,
        }, stop.Token);
        await Task.WhenAny(call.Completion, Task.Delay(TimeSpan.FromSeconds(Int("--seconds", 30)), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        await call.HangUpAsync();
        var heard = call.Heard();
        if (Str("--record") is { } record)
        {
            CallerAudio.WriteWav(record, heard);
        }

        Console.WriteLine($"heard {heard.Length / 8} ms of agent audio, clears {call.Clears}, marks echoed {call.MarksEchoed}, closed {call.CloseStatus}");
        return 0;
    }

    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}

static async Task WaitAsync(CancellationToken ct)
{
    try
    {
        await Task.Delay(Timeout.Infinite, ct);
    }
    catch (OperationCanceledException)
    {
    }
}

string? Str(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int Int(string name, int fallback) => Str(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

bool Has(string name) => args.Contains(name);
