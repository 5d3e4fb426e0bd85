using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.Core.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TenantCacheTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;
    private TenantCache Cache => _services.GetRequiredService<TenantCache>();
    private TenantStore Tenants => _services.GetRequiredService<TenantStore>();

    public async Task InitializeAsync() =>
        _services = await azurite.CreateServicesAsync((services, _) => services.AddSingleton<TimeProvider>(_time));

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_tenant_saved_through_this_process_is_seen_by_the_very_next_lookup()
    {
        var tenant = new Tenant { Id = "acme", Name = "Acme", VoiceNumbers = ["+15550001000"] };
        Assert.Null(await Cache.FindByVoiceNumberAsync("+15550001000"));
        await Tenants.SaveAsync(tenant);

        Assert.Equal("acme", (await Cache.FindByVoiceNumberAsync("+15550001000"))?.Id);

        await Tenants.SaveAsync(tenant with { VoiceNumbers = ["+15550001001"], UnrecordedNumbers = ["+15550001001"] });

        Assert.Null(await Cache.FindByVoiceNumberAsync("+15550001000"));
        Assert.Equal(["+15550001001"], (await Cache.GetAsync("acme"))?.UnrecordedNumbers);
    }

    [Fact]
    public async Task A_tenant_saved_by_another_instance_is_seen_once_the_time_to_live_has_passed()
    {
        await Tenants.SaveAsync(new Tenant { Id = "acme", Name = "Acme", VoiceNumbers = ["+15550002000"] });
        Assert.Equal("Acme", (await Cache.FindByVoiceNumberAsync("+15550002000"))?.Name);
        var elsewhere = new TenantStore(_services.GetRequiredService<CallCenterTables>());

        await elsewhere.SaveAsync(new Tenant { Id = "acme", Name = "Acme Renamed", VoiceNumbers = [] });

        Assert.Equal("Acme", (await Cache.FindByVoiceNumberAsync("+15550002000"))?.Name);
        _time.Advance(new TenantCacheOptions().Ttl);
        Assert.Null(await Cache.FindByVoiceNumberAsync("+15550002000"));
        Assert.Equal("Acme Renamed", (await Cache.GetAsync("acme"))?.Name);
    }

    [Fact]
    public async Task A_callers_lead_id_is_created_once_and_the_same_for_every_later_call()
    {
        var leads = _services.GetRequiredService<LeadStore>();

        var first = await leads.GetOrCreateIdByPhoneAsync("acme", "+15557770100", LeadSources.InboundCall);
        var again = await leads.GetOrCreateIdByPhoneAsync("acme", "+15557770100", LeadSources.InboundCall);
        var elsewhere = await new LeadStore(_services.GetRequiredService<CallCenterTables>(), _time).GetOrCreateIdByPhoneAsync("acme", "+15557770100", LeadSources.InboundCall);

        Assert.Equal(first, again);
        Assert.Equal(first, elsewhere);
        Assert.Single(await leads.ListAsync("acme"));
    }
}
