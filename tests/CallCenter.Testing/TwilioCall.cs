using System.Globalization;
using CallCenter.Fakes;

namespace CallCenter.Testing;

/// <summary>
/// The webhooks Twilio sends for one call, as form fields, and the request that carries them, signed as Twilio
/// signs it; the account and auth token are the ones the test hosts configure.
/// </summary>
public static class TwilioCall
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-twilio-auth-token-0123456789";

    /// <summary>The caller of <see cref="Voice"/> and <see cref="Status"/> unless a test names another.</summary>
    public const string Caller = "+15557654321";

    public static string NewCallSid() => "CA" + Guid.NewGuid().ToString("N");

    public static string NewRecordingSid() => "RE" + Guid.NewGuid().ToString("N");

    /// <summary>A form POST signed with <paramref name="signWith"/> over the URL Twilio calls (or unsigned when null).</summary>
    public static HttpRequestMessage Request(Uri baseUrl, string path, IReadOnlyDictionary<string, string> form, string? signWith = AuthToken)
    {
        var url = new Uri(baseUrl, path).AbsoluteUri;
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        if (signWith is not null)
        {
            request.Headers.Add("X-Twilio-Signature", TwilioRequestSigner.Sign(signWith, url, form));
        }

        return request;
    }

    public static Dictionary<string, string> Voice(string callSid, string to, string from = Caller) => new()
    {
        ["CallSid"] = callSid,
        ["AccountSid"] = AccountSid,
        ["From"] = from,
        ["To"] = to,
        ["CallStatus"] = "ringing",
        ["ApiVersion"] = "2010-04-01",
        ["Direction"] = "inbound",
    };

    public static Dictionary<string, string> Status(string callSid, string to, string status, int sequence, string from = Caller)
    {
        var form = Voice(callSid, to, from);
        form["CallStatus"] = status;
        form["SequenceNumber"] = sequence.ToString(CultureInfo.InvariantCulture);
        form["Timestamp"] = new DateTimeOffset(2026, 11, 25, 10, 0, sequence, TimeSpan.Zero).ToString("r", CultureInfo.InvariantCulture);
        form["CallbackSource"] = "call-progress-events";
        if (status == "completed")
        {
            form["CallDuration"] = "42";
        }

        return form;
    }

    public static Dictionary<string, string> Recording(string callSid, string recordingSid, Uri recordingUrl) => new()
    {
        ["AccountSid"] = AccountSid,
        ["CallSid"] = callSid,
        ["RecordingSid"] = recordingSid,
        ["RecordingUrl"] = recordingUrl.AbsoluteUri,
        ["RecordingStatus"] = "completed",
        ["RecordingDuration"] = "1",
        ["RecordingChannels"] = "2",
        ["RecordingSource"] = "StartCallRecordingTwiML",
    };
}
