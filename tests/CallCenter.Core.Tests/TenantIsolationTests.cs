using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TenantIsolationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ServiceProvider _services = null!;

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Repository_calls_scoped_to_tenant_b_never_return_tenant_a_calls_leads_turns_or_recordings()
    {
        var calls = _services.GetRequiredService<CallLogStore>();
        var leads = _services.GetRequiredService<LeadStore>();
        var turns = _services.GetRequiredService<TurnStore>();
        var recordings = _services.GetRequiredService<RecordingStore>();

        var (leadA, _) = await leads.GetOrCreateByPhoneAsync("tenant-a", "+15551230000", LeadSources.InboundCall);
        var callA = TestCalls.New("tenant-a", from: leadA.Phone);
        var path = RecordingPaths.For("tenant-a", callA.CreatedAt, callA.CallSid, "RE123", "wav");
        callA.RecordingBlobPath = path;
        await calls.CreateIfMissingAsync(callA);
        await turns.AppendAsync("tenant-a", [new ConversationTurn(callA.CallSid, 1, TurnRole.Caller, "secret", TimeSpan.Zero)]);
        Assert.True(await recordings.UploadIfAbsentAsync("tenant-a", path, new MemoryStream([1, 2, 3]), "audio/wav"));

        Assert.Null(await calls.GetAsync("tenant-b", callA.CallSid));
        Assert.Empty(await calls.ListAsync("tenant-b"));
        Assert.Null(await leads.GetAsync("tenant-b", leadA.Id));
        Assert.Null(await leads.FindByPhoneAsync("tenant-b", leadA.Phone));
        Assert.Empty(await leads.ListAsync("tenant-b"));
        Assert.Null(await leads.UpdateAsync("tenant-b", leadA.Id, l => l with { Name = "stolen" }));
        Assert.Empty(await turns.ListAsync("tenant-b", callA.CallSid));
        Assert.Null(await recordings.OpenReadAsync("tenant-b", path));
        Assert.Null(await recordings.OpenReadAsync("tenant-b", "tenant-b/../" + path));
        Assert.False(await recordings.ExistsAsync("tenant-b", path));

        // The same calls scoped to tenant A do see its data, so the nulls above are isolation, not absence.
        Assert.NotNull(await calls.GetAsync("tenant-a", callA.CallSid));
        Assert.NotNull(await leads.GetAsync("tenant-a", leadA.Id));
        Assert.Single(await turns.ListAsync("tenant-a", callA.CallSid));
        await using var content = await recordings.OpenReadAsync("tenant-a", path);
        Assert.NotNull(content);
        Assert.Null((await leads.GetAsync("tenant-a", leadA.Id))!.Name);
    }
}
