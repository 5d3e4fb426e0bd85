using System.Globalization;
using CallCenter.Core.Tenants;

namespace CallCenter.Functions.Tests;

public static class TestTenants
{
    /// <summary>A tenant with a voice number and a Meta phone number id of its own, so tests never share calls or messages.</summary>
    public static async Task<Tenant> NewAsync(TenantStore store)
    {
        var tenant = new Tenant
        {
            Id = "t-" + FunctionsFixture.Unique(),
            Name = "Test tenant",
            VoiceNumbers = [Requests.NewNumber()],
            MetaPhoneNumberId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture),
        };
        await store.SaveAsync(tenant);
        return tenant;
    }
}
