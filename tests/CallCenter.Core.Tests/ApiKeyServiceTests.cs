using CallCenter.Core.Auth;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ApiKeyServiceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private ApiKeyService Keys => _services.GetRequiredService<ApiKeyService>();

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_tenant_key_authenticates_as_its_tenant_and_reaches_no_other()
    {
        var issued = await Keys.IssueAsync("acme", "ci");

        var principal = await Keys.AuthenticateAsync(issued.Key);

        Assert.NotNull(principal);
        Assert.False(principal.IsAdmin);
        Assert.True(principal.CanAccess("acme"));
        Assert.False(principal.CanAccess("globex"));
    }

    [Fact]
    public async Task Two_keys_live_at_once_and_revoking_one_leaves_the_other()
    {
        var old = await Keys.IssueAsync("acme", "old");
        var next = await Keys.IssueAsync("acme", "new");

        Assert.True(await Keys.RevokeAsync("acme", old.Info.KeyId));

        Assert.Null(await Keys.AuthenticateAsync(old.Key));
        Assert.NotNull(await Keys.AuthenticateAsync(next.Key));
        var listed = await Keys.ListAsync("acme");
        Assert.Equal(2, listed.Count);
        Assert.Single(listed, k => k.IsLive);
    }

    [Fact]
    public async Task A_tenant_cannot_revoke_another_tenants_key()
    {
        var issued = await Keys.IssueAsync("acme", "ci");

        Assert.False(await Keys.RevokeAsync("globex", issued.Info.KeyId));
        Assert.NotNull(await Keys.AuthenticateAsync(issued.Key));
    }

    [Fact]
    public async Task A_key_with_a_changed_secret_or_a_swapped_tenant_is_refused()
    {
        var issued = await Keys.IssueAsync("acme", "ci");
        var parts = issued.Key.Split('.');

        Assert.Null(await Keys.AuthenticateAsync(issued.Key[..^1] + (issued.Key[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await Keys.AuthenticateAsync($"{parts[0]}.globex.{parts[2]}.{parts[3]}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-key")]
    [InlineData("cck.acme.123.secret")]
    [InlineData("cck.ACME!.0123456789ab.secret")]
    public async Task Malformed_keys_are_refused(string? key) => Assert.Null(await Keys.AuthenticateAsync(key));

    [Fact]
    public async Task The_admin_key_reaches_every_tenant()
    {
        var principal = await Keys.AuthenticateAsync(TestKeys.AdminKey);

        Assert.NotNull(principal);
        Assert.True(principal.IsAdmin);
        Assert.True(principal.CanAccess("any-tenant"));
    }

    [Fact]
    public async Task Stored_keys_hold_only_a_hash()
    {
        var issued = await Keys.IssueAsync("acme", "ci");
        var tables = _services.GetRequiredService<CallCenter.Core.Storage.CallCenterTables>();

        var row = await tables.ApiKeys.GetEntityAsync<Azure.Data.Tables.TableEntity>("acme", issued.Info.KeyId);

        var secret = issued.Key.Split('.')[3];
        Assert.DoesNotContain(row.Value, p => p.Value is string s && s.Contains(secret, StringComparison.Ordinal));
        Assert.Equal(32, row.Value.GetBinary("Hash").Length);
    }
}
