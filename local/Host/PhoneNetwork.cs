using System.Globalization;
using System.Xml.Linq;
using CallCenter.Fakes;
using CallCenter.Simulators;

namespace CallCenter.Local.Host;

/// <summary>
/// Twilio's side of a call, simulated: it signs and sends the webhooks Twilio would send (status, answer,
/// recording), opens the Media Streams socket the TwiML names, plays a caller, and on the agent's hangup
/// ends the call and delivers the recording. A scenario (<see cref="LocalScenarios"/>) picks who answers and
/// what they do: a machine (answering-machine detection's <c>AnsweredBy</c>), key presses, silence. When the agent
/// transfers the call (a redirect), it ends the stream as Twilio does, plays the Dial with
/// <see cref="FakeTwilioCallFlow"/> (the human does what the scenario says) and, when the Dial action connects the
/// caller back, opens that stream too.
/// </summary>
public sealed class PhoneNetwork(LocalStack stack)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly FakeTwilioApi _twilio = stack.Twilio
        ?? throw new InvalidOperationException("Simulated calls need the Twilio stand-in; with real Twilio, call the number from a phone.");

    /// <summary>A caller dials a tenant number and says two things; the agent greets, answers and hangs up.</summary>
    public async Task<SimulatedCallResult> CallInAsync(string from, string to, Action<string> progress, CancellationToken ct, string? scenario = null)
    {
        var callSid = "CA" + Guid.NewGuid().ToString("N");
        var url = new Uri(stack.Host.BaseUrl, "/api/twilio/voice");
        var statusUrl = new Uri(stack.Host.BaseUrl, "/api/twilio/status");
        await PostAsync(statusUrl, Fields(callSid, from, to, "inbound", "initiated", 0), ct);
        progress($"call {callSid} from {from} to {to}: ringing");
        await PostAsync(statusUrl, Fields(callSid, from, to, "inbound", "ringing", 1), ct);
        var twiml = await PostAsync(url, Fields(callSid, from, to, "inbound", "ringing", null), ct);
        return await ConnectAsync(callSid, from, to, "inbound", twiml, statusUrl, progress, ct, scenario);
    }

    /// <summary>Answers a call the product dialled through the (fake) Twilio REST API, as the called person.</summary>
    public async Task<SimulatedCallResult> AnswerAsync(IReadOnlyDictionary<string, string> dialled, Action<string> progress, CancellationToken ct, string? scenario = null)
    {
        var (callSid, from, to) = (dialled["Sid"], dialled["From"], dialled["To"]);
        var statusUrl = new Uri(dialled["StatusCallback"]);
        await PostAsync(statusUrl, Fields(callSid, from, to, "outbound-api", "initiated", 0), ct);
        progress($"call {callSid} from {from} to {to}: ringing");
        await PostAsync(statusUrl, Fields(callSid, from, to, "outbound-api", "ringing", 1), ct);
        var answer = Fields(callSid, from, to, "outbound-api", "in-progress", null);
        if (dialled.ContainsKey("MachineDetection"))
        {
            // Synchronous detection: Twilio asks for the answer URL once it knows who answered, and with
            // DetectMessageEnd a machine is reported after its greeting's beep.
            answer["AnsweredBy"] = scenario == "voicemail" ? "machine_end_beep" : "human";
            progress(scenario == "voicemail" ? "an answering machine picked up; after its greeting and beep Twilio asks for the answer URL" : "a person picked up");
        }

        var twiml = await PostAsync(new Uri(dialled["Url"]), answer, ct);
        return await ConnectAsync(callSid, from, to, "outbound-api", twiml, statusUrl, progress, ct, scenario);
    }

    private async Task<SimulatedCallResult> ConnectAsync(
        string callSid, string from, string to, string direction, string twiml, Uri statusUrl, Action<string> progress, CancellationToken ct, string? scenario)
    {
        var document = XDocument.Parse(twiml).Root!;
        var stream = document.Descendants("Stream").Single();
        var recording = document.Descendants("Recording").SingleOrDefault();
        var parameters = stream.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value);

        await PostAsync(statusUrl, Fields(callSid, from, to, direction, "in-progress", 2), ct);
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task OnHangup(string sid)
        {
            if (sid == callSid)
            {
                hungUp.TrySetResult();
            }

            return Task.CompletedTask;
        }

        var redirected = new TaskCompletionSource<(Uri Url, string Method)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task OnRedirect(string sid, Uri url, string method)
        {
            if (sid == callSid)
            {
                redirected.TrySetResult((url, method));
            }

            return Task.CompletedTask;
        }

        _twilio.CallCompleted += OnHangup;
        _twilio.CallRedirected += OnRedirect;
        _twilio.CallUp(callSid);
        var started = DateTimeOffset.UtcNow;
        var (script, speech, plan) = Caller(scenario);
        try
        {
            await using var call = await SimulatedCall.StartAsync(new SimulatedCallOptions
            {
                StreamUrl = new Uri(stream.Attribute("url")!.Value),
                AuthToken = LocalStack.AuthToken,
                AccountSid = LocalStack.AccountSid,
                CallSid = callSid,
                Parameters = parameters,
                Pacing = Pacing.RealTime,
                RealTimePlayback = true,
                Script = script,
            }, ct);
            progress($"connected to the agent; {plan}");
            var ended = await Task.WhenAny(hungUp.Task, redirected.Task, call.Completion, Task.Delay(TimeSpan.FromSeconds(60), ct));
            var agentHungUp = ended == hungUp.Task;
            if (ended == redirected.Task)
            {
                // Twilio ends the stream with stop when it moves the call to the new TwiML.
                await call.HangUpAsync();
                agentHungUp = await TransferAsync(callSid, from, to, direction, redirected.Task.Result, LocalScenarios.Human(scenario), hungUp.Task, progress, ct);
            }
            else
            {
                progress(agentHungUp ? "the agent said goodbye and hung up" : "the call ended without the agent's hangup");
            }

            await call.HangUpAsync();
            var heard = call.Heard();
            var duration = (int)Math.Ceiling((DateTimeOffset.UtcNow - started).TotalSeconds);

            var completed = Fields(callSid, from, to, direction, "completed", 3);
            completed["CallDuration"] = duration.ToString(CultureInfo.InvariantCulture);
            await PostAsync(statusUrl, completed, ct);

            string? recordingSid = null;
            if (recording?.Attribute("recordingStatusCallback")?.Value is { } callback)
            {
                recordingSid = "RE" + Guid.NewGuid().ToString("N");
                _twilio.SetRecording(recordingSid, DualChannelWav([.. speech.SelectMany(s => s)], heard));
                await PostAsync(new Uri(callback), new Dictionary<string, string>
                {
                    ["AccountSid"] = LocalStack.AccountSid,
                    ["CallSid"] = callSid,
                    ["RecordingSid"] = recordingSid,
                    ["RecordingUrl"] = _twilio.RecordingUrl(recordingSid).AbsoluteUri,
                    ["RecordingStatus"] = "completed",
                    ["RecordingDuration"] = duration.ToString(CultureInfo.InvariantCulture),
                    ["RecordingChannels"] = "2",
                    ["RecordingSource"] = "StartCallRecordingTwiML",
                }, ct);
            }

            return new SimulatedCallResult(callSid, heard.Length / 8, speech.Sum(s => s.Length) / 8, agentHungUp, recordingSid);
        }
        finally
        {
            _twilio.CallCompleted -= OnHangup;
            _twilio.CallRedirected -= OnRedirect;
            _twilio.CallDown(callSid);
        }
    }

    /// <summary>
    /// The transfer, as Twilio runs it after the redirect: the Dial, the whisper to the human, the Dial action;
    /// when that connects the caller back to the agent, the caller says one thing and the agent ends the call.
    /// True when the call ended by the agent's hangup.
    /// </summary>
    private async Task<bool> TransferAsync(
        string callSid, string from, string to, string direction, (Uri Url, string Method) redirect, HumanLeg human, Task hungUp, Action<string> progress, CancellationToken ct)
    {
        progress($"the agent transfers the call: Twilio ends the stream and fetches {redirect.Url}");
        var flow = new FakeTwilioCallFlow(LocalStack.AccountSid, LocalStack.AuthToken, _http);
        var fields = Fields(callSid, from, to, direction, "in-progress", null);
        var run = await flow.FollowRedirectAsync(fields, redirect.Url, redirect.Method, human, ct);
        progress($"Twilio dials {string.Join(", ", run.Dialled)}; the caller hears ringing, never the summary");
        if (run.WhisperSaid.Count > 0)
        {
            progress($"the human picks up and hears, alone: \"{string.Join(" ", run.WhisperSaid)}\"");
        }

        progress($"the human's leg ends {run.DialCallStatus}; Twilio posts the Dial action");
        var back = XDocument.Parse(run.ActionTwiml).Root!.Descendants("Stream").SingleOrDefault();
        if (back is null)
        {
            progress(run.DialCallStatus == "completed" ? "the human and the caller talked, then hung up" : "the call ends");
            return false;
        }

        progress("nobody took the call: the caller is connected back to the agent, who offers a callback");
        await using var again = await SimulatedCall.StartAsync(new SimulatedCallOptions
        {
            StreamUrl = new Uri(back.Attribute("url")!.Value),
            AuthToken = LocalStack.AuthToken,
            AccountSid = LocalStack.AccountSid,
            CallSid = callSid,
            Parameters = back.Elements("Parameter").ToDictionary(p => p.Attribute("name")!.Value, p => p.Attribute("value")!.Value),
            Pacing = Pacing.RealTime,
            RealTimePlayback = true,
            Script =
            [
                new CallerStep.WaitUntilHeard(600),
                new CallerStep.Send(CallerAudio.Speech(1400, seed: 3)),
                new CallerStep.Send(CallerAudio.Silence(1200)),
                new CallerStep.WaitUntilHeard(1000),
                new CallerStep.Send(CallerAudio.Speech(1200, seed: 4)),
                new CallerStep.Send(CallerAudio.Silence(1200)),
            ],
        }, ct);
        var agentHungUp = await Task.WhenAny(hungUp, again.Completion, Task.Delay(TimeSpan.FromSeconds(60), ct)) == hungUp;
        progress(agentHungUp ? "the agent said goodbye and hung up" : "the call ended without the agent's hangup");
        await again.HangUpAsync();
        return agentHungUp;
    }

    /// <summary>What the one who answers does, by scenario: the steps, the speech in them (for the recording), and a line saying so.</summary>
    private static (IReadOnlyList<CallerStep> Script, byte[][] Speech, string Plan) Caller(string? scenario)
    {
        var speech = new[] { CallerAudio.Speech(1600, seed: 1), CallerAudio.Speech(1400, seed: 2) };
        return scenario switch
        {
            // A machine records in silence until the agent hangs up; so does a caller who never speaks.
            "voicemail" => ([new CallerStep.Send(CallerAudio.Silence(60_000))], [], "the machine records the agent's message"),
            "silence" => ([new CallerStep.Send(CallerAudio.Silence(60_000))], [], "the caller says nothing (the agent re-prompts, then says goodbye)"),

            // Heard counts up: the greeting (600 ms), then an answer (400 ms) to each key and each turn.
            "dtmf" => (
            [
                new CallerStep.WaitUntilHeard(600),
                new CallerStep.Dtmf("2"),
                new CallerStep.WaitUntilHeard(1000),
                new CallerStep.Dtmf("#"),
                new CallerStep.WaitUntilHeard(1400),
                new CallerStep.Send(speech[0]),
                new CallerStep.Send(CallerAudio.Silence(1200)),
                new CallerStep.WaitUntilHeard(1800),
                new CallerStep.Send(speech[1]),
                new CallerStep.Send(CallerAudio.Silence(1200)),
            ], speech, "the caller presses 2, then #, then speaks twice"),

            // The whole greeting first (600 ms), then each of the caller's turns waits for the agent's answer.
            _ => (
            [
                new CallerStep.WaitUntilHeard(600),
                new CallerStep.Send(speech[0]),
                new CallerStep.Send(CallerAudio.Silence(1200)),
                new CallerStep.WaitUntilHeard(1000),
                new CallerStep.Send(speech[1]),
                new CallerStep.Send(CallerAudio.Silence(1200)),
            ], speech, "the caller speaks twice"),
        };
    }

    private async Task<string> PostAsync(Uri url, Dictionary<string, string> form, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioRequestSigner.Sign(LocalStack.AuthToken, url.AbsoluteUri, form));
        using var response = await _http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(ct);
    }

    private static Dictionary<string, string> Fields(string callSid, string from, string to, string direction, string status, int? sequence)
    {
        var fields = new Dictionary<string, string>
        {
            ["AccountSid"] = LocalStack.AccountSid,
            ["CallSid"] = callSid,
            ["From"] = from,
            ["To"] = to,
            ["Direction"] = direction,
            ["CallStatus"] = status,
            ["ApiVersion"] = "2010-04-01",
        };
        if (sequence is { } n)
        {
            fields["SequenceNumber"] = n.ToString(CultureInfo.InvariantCulture);
            fields["Timestamp"] = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
            fields["CallbackSource"] = "call-progress-events";
        }

        return fields;
    }

    /// <summary>A two-channel 16-bit PCM WAV at 8 kHz, caller left and agent right, as Twilio records dual calls.</summary>
    private static byte[] DualChannelWav(byte[] callerMuLaw, byte[] agentMuLaw)
    {
        var samples = Math.Max(callerMuLaw.Length, agentMuLaw.Length);
        using var wav = new MemoryStream();
        using var w = new BinaryWriter(wav);
        w.Write("RIFF"u8); w.Write(36 + (samples * 4)); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)2); w.Write(8000); w.Write(8000 * 4); w.Write((short)4); w.Write((short)16);
        w.Write("data"u8); w.Write(samples * 4);
        for (var i = 0; i < samples; i++)
        {
            w.Write(i < callerMuLaw.Length ? MuLaw.Decode(callerMuLaw[i]) : (short)0);
            w.Write(i < agentMuLaw.Length ? MuLaw.Decode(agentMuLaw[i]) : (short)0);
        }

        w.Flush();
        return wav.ToArray();
    }
}
