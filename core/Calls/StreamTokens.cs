using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Calls;

/// <summary>
/// The short-lived token the voice webhook puts in the stream's <c>&lt;Parameter&gt;</c>:
/// <c>base64url(tenant|CallSid|direction|expiry-unix[|answered-by|after-transfer|twilio-base]) "." base64url(HMAC-SHA256)</c>,
/// well under Twilio's 500-character limit. The bridge trusts nothing else about a call; who answered an outbound
/// call travels here, signed, so a forged stream cannot make the agent leave a voicemail or skip its greeting.
/// </summary>
public sealed class StreamTokens(IOptions<BridgeOptions> options, TimeProvider time)
{
    public const string ParameterName = "token";

    /// <summary>
    /// A token for one stream of a call: optionally naming the call's Twilio webhook folder, the outcome of a
    /// transfer no human answered, and Twilio's answering-machine verdict (an undocumented one is left out).
    /// </summary>
    public string Issue(string tenantId, string callSid, CallDirection direction, Uri? twilioBase = null, string? afterTransfer = null, string? answeredBy = null)
    {
        var expires = time.GetUtcNow().Add(options.Value.TokenLifetime).ToUnixTimeSeconds();
        answeredBy = answeredBy is not null && AnsweredByValues.All.Contains(answeredBy) ? answeredBy : null;
        // The URL goes last and is split off whole, so a '|' in it cannot shift the other fields.
        var extra = twilioBase is null && afterTransfer is null && answeredBy is null ? "" : $"|{answeredBy}|{afterTransfer}|{twilioBase?.AbsoluteUri}";
        var payload = Encoding.UTF8.GetBytes($"{tenantId}|{callSid}|{(int)direction}|{expires}{extra}");
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Sign(payload))}";
    }

    /// <summary>Checks signature then expiry; the claims are returned only for a valid token.</summary>
    public StreamTokenError Verify(string? token, out StreamClaims? claims)
    {
        claims = null;
        if (string.IsNullOrEmpty(token) || token.Length > 500 || token.Split('.') is not [var body, var mac])
        {
            return StreamTokenError.Malformed;
        }

        byte[] payload;
        byte[] signature;
        try
        {
            payload = Base64Url.DecodeFromChars(body);
            signature = Base64Url.DecodeFromChars(mac);
        }
        catch (FormatException)
        {
            return StreamTokenError.Malformed;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload)))
        {
            return StreamTokenError.BadSignature;
        }

        var fields = Encoding.UTF8.GetString(payload).Split('|', 7);
        if (fields is not [var tenant, var callSid, var dir, var exp, ..] || fields.Length is not (4 or 7)
            || (fields.Length == 7 && fields[4].Length > 0 && !AnsweredByValues.All.Contains(fields[4]))
            || !int.TryParse(dir, out var direction) || !Enum.IsDefined((CallDirection)direction)
            || !long.TryParse(exp, out var expiresUnix))
        {
            return StreamTokenError.Malformed;
        }

        Uri? twilioBase = null;
        if (fields.Length == 7 && fields[6].Length > 0 && !Uri.TryCreate(fields[6], UriKind.Absolute, out twilioBase))
        {
            return StreamTokenError.Malformed;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresUnix);
        if (expiresAt <= time.GetUtcNow())
        {
            return StreamTokenError.Expired;
        }

        claims = new StreamClaims(tenant, callSid, (CallDirection)direction, expiresAt, fields.Length == 7 && fields[4].Length > 0 ? fields[4] : null)
        {
            TwilioBase = twilioBase,
            AfterTransfer = fields.Length == 7 && fields[5].Length > 0 ? fields[5] : null,
        };
        return StreamTokenError.None;
    }

    private byte[] Sign(byte[] payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.TokenSigningKey), payload);
}
