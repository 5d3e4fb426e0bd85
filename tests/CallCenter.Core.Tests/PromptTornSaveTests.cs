using System.Diagnostics;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Prompts;
using CallCenter.Core.Storage;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Tests;

/// <summary>A save that crashed between writing its version row and moving the pointer.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PromptTornSaveTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private PromptStore Store => new(_services.GetRequiredService<CallCenterTables>(), TimeProvider.System);

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(3)] // three saves torn in a row
    public async Task The_next_save_after_a_torn_save_completes_within_a_second_and_becomes_current(int torn)
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        await Store.AddVersionAsync(tenant, PromptChannel.VoiceInbound, "v1", null);
        for (var version = 2; version < 2 + torn; version++)
        {
            await WriteVersionRowOnlyAsync(tenant, version);
        }

        var clock = Stopwatch.StartNew();
        var saved = await Store.AddVersionAsync(tenant, PromptChannel.VoiceInbound, "after the crash", null).WaitAsync(TimeSpan.FromSeconds(30));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the save took {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(2 + torn, saved.Version);
        Assert.Equal(new PromptPointer(2 + torn, 2 + torn), await Store.GetPointerAsync(tenant, PromptChannel.VoiceInbound));
        Assert.Equal("after the crash", (await Store.GetVersionAsync(tenant, PromptChannel.VoiceInbound, 2 + torn))!.Instructions);
        Assert.Equal("torn 2", (await Store.GetVersionAsync(tenant, PromptChannel.VoiceInbound, 2))!.Instructions); // kept, never current
        var next = await Store.AddVersionAsync(tenant, PromptChannel.VoiceInbound, "and the one after", null).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3 + torn, next.Version);
    }

    [Fact]
    public async Task Twenty_concurrent_saves_over_a_torn_save_each_get_their_own_version()
    {
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        await Store.AddVersionAsync(tenant, PromptChannel.WhatsApp, "v1", null);
        await WriteVersionRowOnlyAsync(tenant, 2, PromptChannel.WhatsApp);

        var saved = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Store.AddVersionAsync(tenant, PromptChannel.WhatsApp, $"s{i}", null))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(3, 20), saved.Select(v => v.Version).Order());
        Assert.Equal(22, (await Store.GetPointerAsync(tenant, PromptChannel.WhatsApp))!.Latest);
    }

    /// <summary>What a crash after the version write leaves: the row, with the pointer still one behind.</summary>
    private Task WriteVersionRowOnlyAsync(string tenant, int version, PromptChannel channel = PromptChannel.VoiceInbound) =>
        _services.GetRequiredService<CallCenterTables>().Prompts.AddEntityAsync(new TableEntity(tenant, $"{channel.ToWire()}|{version:D6}")
        {
            ["Version"] = version,
            ["Instructions"] = $"torn {version}",
            ["CreatedAt"] = DateTimeOffset.UtcNow,
        });
}
