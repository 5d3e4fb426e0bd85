using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;

namespace CallCenter.Testing;

/// <summary>Call log rows as the voice webhook leaves them, for tests that start from a stored call.</summary>
public static class TestCalls
{
    /// <summary>An inbound call at a fixed time, for store tests that only need a row (any tenant id, numbers as given).</summary>
    public static CallLog New(string tenantId, string? callSid = null, string from = "+15550001111", string to = "+15550002222") => new()
    {
        TenantId = tenantId,
        CallSid = callSid ?? "CA" + Guid.NewGuid().ToString("N"),
        Direction = CallDirection.Inbound,
        From = from,
        To = to,
        CreatedAt = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero),
    };

    /// <summary>
    /// A new inbound call to the tenant's first number from <see cref="TwilioCall.Caller"/> (the caller of
    /// <see cref="TwilioCall.Voice"/>), created now unless <paramref name="createdAt"/> says when.
    /// </summary>
    public static CallLog Inbound(Tenant tenant, DateTimeOffset? createdAt = null) => new()
    {
        TenantId = tenant.Id,
        CallSid = TwilioCall.NewCallSid(),
        Direction = CallDirection.Inbound,
        From = TwilioCall.Caller,
        To = tenant.VoiceNumbers[0],
        CreatedAt = createdAt ?? DateTimeOffset.UtcNow,
    };
}
