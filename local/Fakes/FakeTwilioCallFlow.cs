using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CallCenter.Fakes;

/// <summary>
/// Twilio's side of a redirected call, from its documented messages: it fetches the new TwiML (signed as
/// Twilio signs, with the call's parameters), runs a <c>&lt;Dial&gt;</c> of <c>&lt;Number&gt;</c>s, fetches each
/// Number's <c>url</c> on the called person's leg when they answer (the whisper, heard by them alone before
/// being connected), and posts the Dial action with <c>DialCallStatus</c>, <c>DialCallSid</c> and, when
/// connected, <c>DialCallDuration</c>. Strict as Twilio: TwiML it would not run is a <see cref="TwimlRefusedException"/>.
/// </summary>
public sealed partial class FakeTwilioCallFlow(string accountSid, string authToken, HttpClient http)
{
    // Twilio's voice verbs; anything else in a Response is an error (12100/12200) on a live call.
    private static readonly HashSet<string> Verbs =
    [
        "Connect", "Dial", "Enqueue", "Gather", "Hangup", "Leave", "Pause", "Pay", "Play", "Prompt", "Record",
        "Redirect", "Refer", "Reject", "Say", "Sms", "Start", "Stop",
    ];

    // What a Number's url document may hold: Twilio plays it to the called party before bridging.
    private static readonly HashSet<string> WhisperVerbs = ["Say", "Play", "Pause", "Gather", "Hangup", "Redirect"];

    /// <summary>How long the human talks once connected, reported as <c>DialCallDuration</c>.</summary>
    public int TalkSeconds { get; init; } = 5;

    /// <summary>
    /// Follows a redirect of the call whose webhook fields are <paramref name="call"/> (CallSid, From, To,
    /// Direction) to <paramref name="url"/>; the called person does what <paramref name="human"/> says.
    /// </summary>
    public async Task<TransferRun> FollowRedirectAsync(IReadOnlyDictionary<string, string> call, Uri url, string method, HumanLeg human, CancellationToken ct)
    {
        var fields = new Dictionary<string, string>(call) { ["AccountSid"] = accountSid, ["CallStatus"] = "in-progress", ["ApiVersion"] = "2010-04-01" };
        var callerTwiml = await RequestAsync(url, method, fields, ct).ConfigureAwait(false);
        var document = Parse(callerTwiml, Verbs);
        var dial = document.Elements("Dial").SingleOrDefault() ?? throw new TwimlRefusedException("the fake follows redirects to a <Dial> only");
        var numbers = dial.Elements().ToList();
        if (numbers.Count == 0 || numbers.Exists(n => n.Name.LocalName != "Number"))
        {
            throw new TwimlRefusedException("the fake dials <Number> nouns only, at least one");
        }

        var callerId = dial.Attribute("callerId")?.Value ?? call["From"];
        CheckE164(callerId, "Dial callerId");
        var timeout = dial.Attribute("timeout")?.Value is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 30;
        if (timeout is < 5 or > 600)
        {
            throw new TwimlRefusedException($"Dial timeout {timeout} is outside 5-600");
        }

        var dialled = new List<string>();
        foreach (var number in numbers)
        {
            CheckE164(number.Value.Trim(), "Number");
            dialled.Add(number.Value.Trim());
        }

        var childSid = "CA" + Guid.NewGuid().ToString("N");
        string? whisperTwiml = null;
        var said = new List<string>();
        var status = human switch { HumanLeg.Busy => "busy", HumanLeg.NoAnswer => "no-answer", _ => "completed" };
        if (human == HumanLeg.Answers && numbers[0].Attribute("url")?.Value is { } whisperUrl)
        {
            // The first number picks up; its leg fetches the whisper before the two are bridged.
            var whisperFields = new Dictionary<string, string>
            {
                ["AccountSid"] = accountSid,
                ["CallSid"] = childSid,
                ["ParentCallSid"] = call["CallSid"],
                ["From"] = callerId,
                ["To"] = dialled[0],
                ["Direction"] = "outbound-dial",
                ["CallStatus"] = "in-progress",
                ["ApiVersion"] = "2010-04-01",
            };
            whisperTwiml = await RequestAsync(Resolve(url, whisperUrl), Method(numbers[0]), whisperFields, ct).ConfigureAwait(false);
            var whisper = Parse(whisperTwiml, WhisperVerbs);
            said.AddRange(whisper.Elements("Say").Select(s => s.Value));
            if (whisper.Elements("Hangup").Any())
            {
                // The called person's document hung up on them: they are never connected.
                status = "no-answer";
            }
        }

        var actionUrl = dial.Attribute("action")?.Value is { } action ? Resolve(url, action) : throw new TwimlRefusedException("the fake needs a Dial action to report to");
        var actionMethod = Method(dial);
        var actionForm = new Dictionary<string, string>(fields)
        {
            ["DialCallStatus"] = status,
            ["DialCallSid"] = childSid,
        };
        if (status == "completed")
        {
            actionForm["DialCallDuration"] = TalkSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var actionTwiml = await RequestAsync(actionUrl, actionMethod, actionForm, ct).ConfigureAwait(false);
        Parse(actionTwiml, Verbs);
        return new TransferRun(callerTwiml, dialled, whisperTwiml, said, status, actionUrl, actionMethod, actionForm, actionTwiml);
    }

    /// <summary>A webhook as Twilio sends it: POST with a form, or GET with the parameters in the query; signed either way.</summary>
    public async Task<string> RequestAsync(Uri url, string method, IReadOnlyDictionary<string, string> form, CancellationToken ct)
    {
        using var request = method == "GET"
            ? new HttpRequestMessage(HttpMethod.Get, new UriBuilder(url) { Query = string.Join('&', form.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}")) }.Uri)
            : new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        var signed = method == "GET" ? TwilioRequestSigner.Sign(authToken, request.RequestUri!.AbsoluteUri, []) : TwilioRequestSigner.Sign(authToken, url.AbsoluteUri, form);
        request.Headers.Add("X-Twilio-Signature", signed);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // Twilio reports 11200 and, on a live call, plays its application error.
            throw new TwimlRefusedException($"{method} {url} answered {(int)response.StatusCode}");
        }

        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A TwiML document checked as Twilio checks it: a Response of known verbs.</summary>
    public static XElement Parse(string twiml, IReadOnlySet<string> verbs)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(twiml).Root!;
        }
        catch (System.Xml.XmlException e)
        {
            throw new TwimlRefusedException("not XML: " + e.Message);
        }

        if (root.Name.LocalName != "Response" || root.Name.Namespace != XNamespace.None)
        {
            throw new TwimlRefusedException($"the root is <{root.Name.LocalName}>, not <Response>");
        }

        if (root.Elements().FirstOrDefault(e => !verbs.Contains(e.Name.LocalName)) is { } unknown)
        {
            throw new TwimlRefusedException($"<{unknown.Name.LocalName}> is not a verb Twilio runs here");
        }

        return root;
    }

    private static string Method(XElement element) => element.Attribute("method")?.Value switch
    {
        null or "POST" => "POST",
        "GET" => "GET",
        var other => throw new TwimlRefusedException($"method '{other}' is not GET or POST"),
    };

    private static Uri Resolve(Uri document, string url) =>
        Uri.TryCreate(document, url, out var resolved) && resolved.Scheme is "http" or "https"
            ? resolved
            : throw new TwimlRefusedException($"'{url}' is not a URL");

    private static void CheckE164(string number, string what)
    {
        if (!E164().IsMatch(number))
        {
            throw new TwimlRefusedException($"{what} '{number}' is not an E.164 number");
        }
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z")]
    private static partial Regex E164();
}
