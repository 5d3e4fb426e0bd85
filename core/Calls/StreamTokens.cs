using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Calls;

/// <summary>
/// The short-lived token the voice webhook puts in the stream's <c>&lt;Parameter&gt;</c>:
/// <c>base64url(tenant|CallSid|direction|expiry-unix[|after-transfer|twilio-base]) "." base64url(HMAC-SHA256)</c>,
/// well under Twilio's 500-character limit. The bridge trusts nothing else about a call.
/// </summary>
public sealed class StreamTokens(IOptions<BridgeOptions> options, TimeProvider time)
{
    public const string ParameterName = "token";

    public string Issue(string tenantId, string callSid, CallDirection direction) => Issue(tenantId, callSid, direction, null, null);

    /// <summary>A token that also names the call's Twilio webhook folder and, after an unanswered transfer, its outcome.</summary>
    public string Issue(string tenantId, string callSid, CallDirection direction, Uri? twilioBase, string? afterTransfer)
    {
        var expires = time.GetUtcNow().Add(options.Value.TokenLifetime).ToUnixTimeSeconds();
        // The URL goes last and is split off whole, so a '|' in it cannot shift the other fields.
        var extra = twilioBase is null && afterTransfer is null ? "" : $"|{afterTransfer}|{twilioBase?.AbsoluteUri}";
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

        var fields = Encoding.UTF8.GetString(payload).Split('|', 6);
        if (fields is not [var tenant, var callSid, var dir, var exp, ..] || fields.Length is not (4 or 6)
            || !int.TryParse(dir, out var direction) || !Enum.IsDefined((CallDirection)direction)
            || !long.TryParse(exp, out var expiresUnix))
        {
            return StreamTokenError.Malformed;
        }

        Uri? twilioBase = null;
        if (fields.Length == 6 && fields[5].Length > 0 && !Uri.TryCreate(fields[5], UriKind.Absolute, out twilioBase))
        {
            return StreamTokenError.Malformed;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresUnix);
        if (expiresAt <= time.GetUtcNow())
        {
            return StreamTokenError.Expired;
        }

        claims = new StreamClaims(tenant, callSid, (CallDirection)direction, expiresAt)
        {
            TwilioBase = twilioBase,
            AfterTransfer = fields.Length == 6 && fields[4].Length > 0 ? fields[4] : null,
        };
        return StreamTokenError.None;
    }

    private byte[] Sign(byte[] payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.TokenSigningKey), payload);
}
