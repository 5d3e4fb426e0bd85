using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CallCenter.Simulators;

/// <summary>
/// Twilio's REST API as far as the bridge uses it: <c>POST /2010-04-01/Accounts/{sid}/Calls/{CallSid}.json</c>
/// with <c>Status=completed</c> hangs up. Counts requests per call; <see cref="HangUp"/> lets a simulated
/// caller react as Twilio would (stop the stream).
/// </summary>
public sealed class FakeTwilioRest : LoopbackServer
{
    private readonly ConcurrentDictionary<string, int> _hangups = new(StringComparer.Ordinal);
    private int _requests;

    public event Func<string, Task>? HangUp;

    public int Requests => Volatile.Read(ref _requests);

    public int HangupsFor(string callSid) => _hangups.TryGetValue(callSid, out var n) ? n : 0;

    public int TotalHangups => _hangups.Values.Sum();

    public static async Task<FakeTwilioRest> StartAsync()
    {
        var server = new FakeTwilioRest();
        await server.StartAsync(app => app.MapPost("/2010-04-01/Accounts/{account}/Calls/{callSid}.json", server.UpdateCallAsync)).ConfigureAwait(false);
        return server;
    }

    private async Task<IResult> UpdateCallAsync(string account, string callSid, HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        var form = await request.ReadFormAsync().ConfigureAwait(false);
        var status = form["Status"].ToString();
        if (status == "completed")
        {
            _hangups.AddOrUpdate(callSid, 1, (_, n) => n + 1);
            if (HangUp is { } handler)
            {
                // Twilio ends the media stream shortly after the call is completed; do it off this request.
                _ = Task.Run(() => handler(callSid));
            }
        }

        return Results.Json(new
        {
            sid = callSid,
            account_sid = account,
            status = status.Length == 0 ? "in-progress" : status,
            api_version = "2010-04-01",
        });
    }
}
