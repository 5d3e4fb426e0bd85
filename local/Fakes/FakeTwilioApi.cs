using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Fakes;

/// <summary>
/// Twilio's REST API as far as the product uses it: recording media (Basic auth, <c>.wav</c>), recording
/// deletion, call creation and call updates (hangup). Counts every request it serves.
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
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> CreatedCalls { get; } = new();
    public ConcurrentDictionary<string, int> CallUpdates { get; } = new();

    /// <summary>Updates to <c>Status=completed</c> per CallSid: the hangups.</summary>
    public ConcurrentDictionary<string, int> Hangups { get; } = new();

    public int TotalRecordingFetches => RecordingFetches.Values.Sum();

    public int HangupsFor(string callSid) => Hangups.TryGetValue(callSid, out var n) ? n : 0;

    public int TotalHangups => Hangups.Values.Sum();

    private readonly ConcurrentDictionary<string, byte[]> _recordings = new();

    /// <summary>Raised when a call is created (an outbound dial), with its fields and new CallSid.</summary>
    public event Func<IReadOnlyDictionary<string, string>, Task>? CallCreated;

    /// <summary>Raised when a call is updated to completed (a hangup), with its CallSid.</summary>
    public event Func<string, Task>? CallCompleted;

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
        app.MapDelete(account + "/Recordings/{file}", (string file, HttpContext http) =>
        {
            if (!Authorized(http.Request))
            {
                return Results.Unauthorized();
            }

            RecordingDeletes.AddOrUpdate(file.Replace(".json", "", StringComparison.Ordinal), 1, (_, n) => n + 1);
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
            var sid = "CA" + Guid.NewGuid().ToString("N");
            fields["Sid"] = sid;
            CreatedCalls.Enqueue(fields);
            if (CallCreated is { } created)
            {
                // Twilio dials after answering the request.
                _ = Task.Run(() => created(fields));
            }

            return Results.Json(new Dictionary<string, object?>
            {
                ["sid"] = sid, ["account_sid"] = _accountSid, ["to"] = fields.GetValueOrDefault("To"), ["from"] = fields.GetValueOrDefault("From"),
                ["status"] = "queued", ["direction"] = "outbound-api", ["api_version"] = "2010-04-01",
                ["uri"] = $"{account}/Calls/{sid}.json",
            }, statusCode: 201);
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

    private bool Authorized(HttpRequest request)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_accountSid}:{_authToken}"));
        return string.Equals(request.Headers.Authorization.ToString(), expected, StringComparison.Ordinal);
    }
}
