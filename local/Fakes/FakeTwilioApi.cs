using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CallCenter.Fakes;

/// <summary>
/// Twilio's REST API as far as the product uses it: recording media (Basic auth, <c>.wav</c>), recording
/// deletion, call creation, the Calls list (Twilio's filters and paging) and call updates (hangup, and a
/// redirect to new TwiML, which <see cref="FakeTwilioCallFlow"/> then plays as Twilio would). Counts every request it serves.
/// </summary>
public sealed class FakeTwilioApi : LoopbackServer
{
    private readonly string _accountSid;
    private readonly string _authToken;
    private int _transientFailuresLeft;

    private FakeTwilioApi(string accountSid, string authToken)
    {
        _accountSid = accountSid;
        _authToken = authToken;
    }

    public ConcurrentDictionary<string, int> RecordingFetches { get; } = new();
    public ConcurrentDictionary<string, int> RecordingDeletes { get; } = new();

    /// <summary>Called with the RecordingSid as a delete arrives, before it is answered: lets a test see what was stored by then.</summary>
    public Func<string, Task>? OnRecordingDelete { get; set; }
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> CreatedCalls { get; } = new();
    public ConcurrentDictionary<string, int> CallUpdates { get; } = new();

    /// <summary>When each call (by CallSid) was created: the dial's time as Twilio saw it.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> CallCreatedAt { get; } = new();

    /// <summary>Updates to <c>Status=completed</c> per CallSid: the hangups.</summary>
    public ConcurrentDictionary<string, int> Hangups { get; } = new();

    public int TotalRecordingFetches => RecordingFetches.Values.Sum();

    public int HangupsFor(string callSid) => Hangups.TryGetValue(callSid, out var n) ? n : 0;

    public int TotalHangups => Hangups.Values.Sum();

    private readonly ConcurrentDictionary<string, byte[]> _recordings = new();

    // Every call placed, oldest first: what the Calls list reads.
    private readonly List<PlacedCall> _placed = [];

    /// <summary>
    /// Held after a call is accepted (placed and listed) and before Twilio's answer is sent: lets a test kill
    /// the host between Twilio accepting a call and the host's write.
    /// </summary>
    public TimeSpan CreateDelay { get; set; }

    /// <summary>Raised once a call is accepted, before the answer (and any <see cref="CreateDelay"/>).</summary>
    public event Action<string>? CallAccepted;

    /// <summary>Raised when a call is created (an outbound dial), with its fields and new CallSid.</summary>
    public event Func<IReadOnlyDictionary<string, string>, Task>? CallCreated;

    /// <summary>Raised when a call is updated to completed (a hangup), with its CallSid.</summary>
    public event Func<string, Task>? CallCompleted;

    /// <summary>Calls updated with a new TwiML <c>Url</c>, in order: CallSid, URL and method.</summary>
    public ConcurrentQueue<(string CallSid, Uri Url, string Method)> Redirects { get; } = new();

    /// <summary>
    /// Raised after a redirect is accepted, as Twilio then acts: it ends the call's stream (<c>stop</c>) and
    /// fetches the new TwiML. The handler plays that side (see <see cref="FakeTwilioCallFlow"/>).
    /// </summary>
    public event Func<string, Uri, string, Task>? CallRedirected;

    private readonly ConcurrentDictionary<string, bool> _liveCalls = new(StringComparer.Ordinal);

    /// <summary>A call Twilio has up (an inbound call the phone network placed): only such a call can be redirected.</summary>
    public void CallUp(string callSid) => _liveCalls[callSid] = true;

    /// <summary>The call ended: a redirect of it is a 404 from now on, as Twilio answers for a call it no longer has in progress.</summary>
    public void CallDown(string callSid) => _liveCalls.TryRemove(callSid, out _);

    /// <summary>
    /// How the phone network answers calls to a number: <c>busy</c>, <c>no-answer</c> or <c>failed</c>. Such a call is
    /// created (201, queued) as Twilio creates it, and then, as Twilio does, only reported: signed status callbacks
    /// to the call's StatusCallback (ringing first, except for a call that failed to connect), ending with the
    /// outcome and a duration of 0; its answer URL is never fetched and <see cref="CallCreated"/> is not raised.
    /// </summary>
    public void SetOutcome(string number, string outcome)
    {
        if (outcome is not ("busy" or "no-answer" or "failed"))
        {
            throw new ArgumentException($"'{outcome}' is not an outcome Twilio reports for an unanswered call.", nameof(outcome));
        }

        _outcomes[number] = outcome;
    }

    private readonly ConcurrentDictionary<string, string> _outcomes = new();
    private readonly HttpClient _callbacks = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Serves these bytes for the recording instead of the generated tone.</summary>
    public void SetRecording(string recordingSid, byte[] wav) => _recordings[recordingSid] = wav;

    /// <summary>Held before a recording's bytes are sent: lets a test kill the host mid-download.</summary>
    public TimeSpan FetchDelay { get; set; }

    /// <summary>The next N media fetches answer 503.</summary>
    public int TransientFailures { set => Volatile.Write(ref _transientFailuresLeft, value); }

    public static async Task<FakeTwilioApi> StartAsync(string accountSid, string authToken, int port = 0)
    {
        var fake = new FakeTwilioApi(accountSid, authToken);
        await fake.ListenAsync(port, CancellationToken.None);
        return fake;
    }

    /// <summary>The RecordingUrl Twilio would put in the recording callback (no extension).</summary>
    public Uri RecordingUrl(string recordingSid) => new(Root, $"/2010-04-01/Accounts/{_accountSid}/Recordings/{recordingSid}");

    /// <summary>The WAV served for a recording: 16-bit PCM, 8 kHz, two channels, different for each RecordingSid.</summary>
    public static byte[] RecordingBytes(string recordingSid)
    {
        const int rate = 8000, channels = 2, seconds = 1;
        var samples = rate * seconds;
        var frequency = 300 + (recordingSid.GetHashCode(StringComparison.Ordinal) & 0x1ff);
        using var wav = new MemoryStream();
        using var w = new BinaryWriter(wav, Encoding.ASCII, leaveOpen: true);
        w.Write("RIFF"u8); w.Write(36 + (samples * channels * 2)); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)channels); w.Write(rate); w.Write(rate * channels * 2); w.Write((short)(channels * 2)); w.Write((short)16);
        w.Write("data"u8); w.Write(samples * channels * 2);
        for (var i = 0; i < samples; i++)
        {
            var s = (short)(8000 * Math.Sin(2 * Math.PI * frequency * i / rate));
            w.Write(s);
            w.Write((short)(s / 2));
        }

        w.Flush();
        return wav.ToArray();
    }

    protected override void Map(IEndpointRouteBuilder app)
    {
        var account = $"/2010-04-01/Accounts/{_accountSid}";
        app.MapGet(account + "/Recordings/{file}", async (string file, HttpContext http) =>
        {
            if (!Authorized(http.Request))
            {
                return Results.Unauthorized();
            }

            if (!file.EndsWith(".wav", StringComparison.Ordinal))
            {
                return Results.NotFound();
            }

            var sid = file[..^4];
            RecordingFetches.AddOrUpdate(sid, 1, (_, n) => n + 1);
            if (Interlocked.Decrement(ref _transientFailuresLeft) >= 0)
            {
                return Results.StatusCode(503);
            }

            await Task.Delay(FetchDelay, http.RequestAborted);
            return Results.Bytes(_recordings.TryGetValue(sid, out var stored) ? stored : RecordingBytes(sid), "audio/x-wav");
        });
        app.MapDelete(account + "/Recordings/{file}", async (string file, HttpContext http) =>
        {
            if (!Authorized(http.Request))
            {
                return Results.Unauthorized();
            }

            var sid = file.Replace(".json", "", StringComparison.Ordinal);
            if (OnRecordingDelete is { } observe)
            {
                await observe(sid);
            }

            RecordingDeletes.AddOrUpdate(sid, 1, (_, n) => n + 1);
            return Results.NoContent();
        });
        app.MapPost(account + "/Calls.json", async (HttpContext http) =>
        {
            if (!Authorized(http.Request))
            {
                return Results.Unauthorized();
            }

            var form = await http.Request.ReadFormAsync();
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());

            // Answering-machine detection takes these two values only; Twilio refuses the create otherwise.
            if (fields.TryGetValue("MachineDetection", out var amd) && amd is not ("Enable" or "DetectMessageEnd"))
            {
                return Results.Json(new { code = 20001, message = $"Invalid MachineDetection: {amd}", status = 400 }, statusCode: 400);
            }

            var sid = "CA" + Guid.NewGuid().ToString("N");
            fields["Sid"] = sid;
            var call = new PlacedCall(sid, fields.GetValueOrDefault("To") ?? "", fields.GetValueOrDefault("From") ?? "", DateTimeOffset.UtcNow);
            lock (_placed)
            {
                _placed.Add(call);
            }

            CallCreatedAt[sid] = call.CreatedAt;
            CreatedCalls.Enqueue(fields);
            CallAccepted?.Invoke(sid);
            await Task.Delay(CreateDelay, http.RequestAborted);
            if (_outcomes.TryGetValue(call.To, out var outcome))
            {
                _ = Task.Run(() => ReportOutcomeAsync(fields, outcome));
            }
            else if (CallCreated is { } created)
            {
                // Twilio dials after answering the request.
                _ = Task.Run(() => created(fields));
            }

            return Results.Json(CallJson(account, call), statusCode: 201);
        });
        app.MapGet(account + "/Calls.json", (HttpContext http) =>
        {
            if (!Authorized(http.Request))
            {
                return Results.Unauthorized();
            }

            return ListCalls(account, http.Request.Query);
        });
        app.MapPost(account + "/Calls/{file}", async (string file, HttpContext http) =>
        {
            if (!Authorized(http.Request))
            {
                return Results.Unauthorized();
            }

            var sid = file.Replace(".json", "", StringComparison.Ordinal);
            CallUpdates.AddOrUpdate(sid, 1, (_, n) => n + 1);
            var form = await http.Request.ReadFormAsync();
            if (form.ContainsKey("Url"))
            {
                return Redirect(sid, form["Url"].ToString(), form["Method"].ToString());
            }

            if (form["Status"] == "completed")
            {
                Hangups.AddOrUpdate(sid, 1, (_, n) => n + 1);
                if (CallCompleted is { } completed)
                {
                    // Twilio ends the call, and with it the media stream, after answering the request.
                    _ = Task.Run(() => completed(sid));
                }
            }

            return Results.Json(new Dictionary<string, object?> { ["sid"] = sid, ["account_sid"] = _accountSid, ["status"] = "completed" });
        });
    }

    /// <summary>The status callbacks of a call the network did not connect, signed as Twilio signs them.</summary>
    private async Task ReportOutcomeAsync(IReadOnlyDictionary<string, string> call, string outcome)
    {
        if (!call.TryGetValue("StatusCallback", out var url))
        {
            return;
        }

        string[] statuses = outcome == "failed" ? ["failed"] : ["initiated", "ringing", outcome];
        for (var i = 0; i < statuses.Length; i++)
        {
            var form = new Dictionary<string, string>
            {
                ["AccountSid"] = _accountSid, ["CallSid"] = call["Sid"], ["From"] = call.GetValueOrDefault("From") ?? "",
                ["To"] = call.GetValueOrDefault("To") ?? "", ["Direction"] = "outbound-api", ["CallStatus"] = statuses[i],
                ["ApiVersion"] = "2010-04-01", ["SequenceNumber"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Timestamp"] = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture),
                ["CallbackSource"] = "call-progress-events",
            };
            if (i == statuses.Length - 1)
            {
                form["CallDuration"] = "0";
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("X-Twilio-Signature", TwilioRequestSigner.Sign(_authToken, url, form));
            try
            {
                using var response = await _callbacks.SendAsync(request);
            }
            catch (HttpRequestException)
            {
                // Twilio does not retry a status callback by default: a lost one is lost.
            }
        }
    }

    /// <summary>
    /// A Calls update with <c>Url</c>, checked as Twilio checks it: an absolute http(s) URL, a method of GET or
    /// POST (POST when absent), and a call in progress (Twilio answers 404 for one it has not or no longer).
    /// </summary>
    private IResult Redirect(string sid, string url, string method)
    {
        method = method.Length == 0 ? "POST" : method;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            return Results.Json(new { code = 21205, message = "Url is not a valid URL: " + url, more_info = "https://www.twilio.com/docs/errors/21205", status = 400 }, statusCode: 400);
        }

        if (method is not ("GET" or "POST"))
        {
            return Results.Json(new { code = 21207, message = "Method is not valid: " + method, more_info = "https://www.twilio.com/docs/errors/21207", status = 400 }, statusCode: 400);
        }

        if (!_liveCalls.ContainsKey(sid))
        {
            return Results.Json(new { code = 20404, message = $"The requested resource /2010-04-01/Accounts/{_accountSid}/Calls/{sid}.json was not found", more_info = "https://www.twilio.com/docs/errors/20404", status = 404 }, statusCode: 404);
        }

        Redirects.Enqueue((sid, target, method));
        if (CallRedirected is { } redirected)
        {
            // Twilio moves the call to the new TwiML after answering the request.
            _ = Task.Run(() => redirected(sid, target, method));
        }

        return Results.Json(new Dictionary<string, object?> { ["sid"] = sid, ["account_sid"] = _accountSid, ["status"] = "in-progress" });
    }

    /// <summary>
    /// Twilio's Calls list: filters To, From, Status, ParentCallSid and StartTime (<c>StartTime</c>,
    /// <c>StartTime&gt;</c>, <c>StartTime&lt;</c>, a UTC date or time; a call not yet started matches no start
    /// filter), most recent first, in pages of PageSize (1 to 1000, 50 by default) that link on through
    /// <c>next_page_uri</c> with a PageToken.
    /// </summary>
    private IResult ListCalls(string account, IQueryCollection query)
    {
        var pageSize = 50;
        if (query["PageSize"] is { Count: > 0 } size && (!int.TryParse(size, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 1000))
        {
            return Results.Json(new { code = 20001, message = "PageSize must be between 1 and 1000", status = 400 }, statusCode: 400);
        }

        var filters = new List<Func<PlacedCall, bool>>();
        foreach (var (name, values) in query)
        {
            var value = values.ToString();
            switch (name)
            {
                case "To": filters.Add(c => c.To == value); break;
                case "From": filters.Add(c => c.From == value); break;
                case "Status": filters.Add(_ => value == "queued"); break;
                case "ParentCallSid": filters.Add(_ => false); break;
                case "StartTime" or "StartTime>" or "StartTime<":
                    if (!DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                    {
                        return Results.Json(new { code = 20001, message = $"Invalid {name}", status = 400 }, statusCode: 400);
                    }

                    var dateOnly = value.Length == 10;
                    filters.Add(name switch
                    {
                        "StartTime>" => c => c.StartTime >= at,
                        "StartTime<" => c => c.StartTime <= (dateOnly ? at.AddDays(1) : at),
                        _ => c => dateOnly ? c.StartTime.UtcDateTime.Date == at.UtcDateTime.Date : c.StartTime == at,
                    });
                    break;
            }
        }

        List<PlacedCall> matching;
        lock (_placed)
        {
            matching = _placed.Where(c => filters.TrueForAll(f => f(c))).Reverse().ToList();
        }

        var page = int.TryParse(query["Page"], System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : 0;
        var start = query["PageToken"].ToString() is { Length: > 2 } token ? matching.FindIndex(c => c.Sid == token[2..]) + 1 : page * pageSize;
        var items = matching.Skip(start).Take(pageSize).ToList();
        var filterQuery = string.Join("&", query
            .Where(q => q.Key is not ("Page" or "PageSize" or "PageToken"))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}"));
        string PageUri(int number, string? pageToken) =>
            $"{account}/Calls.json?{(filterQuery.Length > 0 ? filterQuery + "&" : "")}PageSize={pageSize}&Page={number}{(pageToken is null ? "" : "&PageToken=" + pageToken)}";
        return Results.Json(new Dictionary<string, object?>
        {
            ["calls"] = items.Select(c => CallJson(account, c)).ToList(),
            ["end"] = start + items.Count - 1,
            ["first_page_uri"] = PageUri(0, null),
            ["next_page_uri"] = start + items.Count < matching.Count ? PageUri(page + 1, "PA" + items[^1].Sid) : null,
            ["page"] = page,
            ["page_size"] = pageSize,
            ["previous_page_uri"] = page > 0 ? PageUri(page - 1, null) : null,
            ["start"] = start,
            ["uri"] = PageUri(page, null),
        });
    }

    /// <summary>A Call resource as Twilio writes it (dates in RFC 2822).</summary>
    private Dictionary<string, object?> CallJson(string account, PlacedCall c) => new()
    {
        ["sid"] = c.Sid, ["account_sid"] = _accountSid, ["parent_call_sid"] = null,
        ["date_created"] = c.CreatedAt.ToString("r", System.Globalization.CultureInfo.InvariantCulture).Replace("GMT", "+0000", StringComparison.Ordinal),
        ["date_updated"] = c.CreatedAt.ToString("r", System.Globalization.CultureInfo.InvariantCulture).Replace("GMT", "+0000", StringComparison.Ordinal),
        ["start_time"] = c.StartTime.ToString("r", System.Globalization.CultureInfo.InvariantCulture).Replace("GMT", "+0000", StringComparison.Ordinal),
        ["end_time"] = null, ["duration"] = null, ["price"] = null, ["price_unit"] = "USD",
        ["to"] = c.To, ["to_formatted"] = c.To, ["from"] = c.From, ["from_formatted"] = c.From,
        ["phone_number_sid"] = null, ["status"] = "queued", ["direction"] = "outbound-api", ["answered_by"] = null,
        ["api_version"] = "2010-04-01", ["forwarded_from"] = null, ["group_sid"] = null, ["caller_name"] = null,
        ["queue_time"] = "0", ["trunk_sid"] = null,
        ["uri"] = $"{account}/Calls/{c.Sid}.json",
        ["subresource_uris"] = new Dictionary<string, string>
        {
            ["recordings"] = $"{account}/Calls/{c.Sid}/Recordings.json",
            ["events"] = $"{account}/Calls/{c.Sid}/Events.json",
        },
    };

    /// <summary>A call as the list shows it; Twilio starts dialling at once, so it starts when it is created.</summary>
    private sealed record PlacedCall(string Sid, string To, string From, DateTimeOffset CreatedAt)
    {
        public DateTimeOffset StartTime => CreatedAt;
    }

    private bool Authorized(HttpRequest request)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_accountSid}:{_authToken}"));
        return string.Equals(request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal);
    }
}
