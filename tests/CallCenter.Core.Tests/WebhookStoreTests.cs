using Azure.Data.Tables;
using CallCenter.Core.Auth;
using CallCenter.Core.Storage;
using CallCenter.Core.Webhooks;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.Core.Tests;

/// <summary>Endpoint secrets on Azurite: sealed at rest, rotated with a grace period under a fake clock.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WebhookStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;

    private WebhookStore Store => _services.GetRequiredService<WebhookStore>();

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync((services, configuration) =>
    {
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock));
        services.AddCallCenterWebhooks(configuration);
    });

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task The_secret_is_not_stored_in_clear_and_opens_only_for_its_own_endpoint_under_the_admin_key()
    {
        var (endpoint, secret) = await Store.CreateEndpointAsync("acme", new Uri("https://hooks.example.com/a"), [WebhookEventTypes.CallCompleted]);

        var row = (await _services.GetRequiredService<CallCenterTables>().Webhooks.GetEntityAsync<TableEntity>("acme", "e|" + endpoint.Id)).Value;
        Assert.DoesNotContain(row, kv => kv.Value is string text && text.Contains(secret[WebhookSecrets.Prefix.Length..], StringComparison.Ordinal));
        Assert.Equal([secret], (await Store.GetSigningAsync("acme", endpoint.Id))!.Value.Secrets);

        var sealedSecret = row.GetString("Secret");
        var sameKey = new WebhookSecrets(Options.Create(new AuthOptions { AdminKey = TestKeys.AdminKey }));
        var otherKey = new WebhookSecrets(Options.Create(new AuthOptions { AdminKey = "another-admin-key-0123456789abcdef0123" }));
        Assert.Equal(secret, sameKey.Open("acme", endpoint.Id, sealedSecret));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => sameKey.Open("acme", "we0000000000000000", sealedSecret));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => otherKey.Open("acme", endpoint.Id, sealedSecret));
    }

    [Fact]
    public async Task A_rotated_secret_signs_beside_the_new_one_until_the_grace_period_ends()
    {
        var (endpoint, old) = await Store.CreateEndpointAsync("acme", new Uri("https://hooks.example.com/b"), [WebhookEventTypes.CallCompleted]);

        var rotated = await Store.RotateSecretAsync("acme", endpoint.Id, TimeSpan.FromHours(24));

        Assert.NotNull(rotated);
        Assert.Equal([rotated, old], (await Store.GetSigningAsync("acme", endpoint.Id))!.Value.Secrets);
        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.Equal([rotated], (await Store.GetSigningAsync("acme", endpoint.Id))!.Value.Secrets);
        Assert.Null(await Store.RotateSecretAsync("acme", "we0000000000000000", TimeSpan.FromHours(24)));
        Assert.Null(await Store.RotateSecretAsync("other", endpoint.Id, TimeSpan.FromHours(24)));
    }
}
