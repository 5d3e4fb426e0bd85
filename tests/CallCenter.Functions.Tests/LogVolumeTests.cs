using CallCenter.Core.Tenants;
using Microsoft.Extensions.Logging;

namespace CallCenter.Functions.Tests;

/// <summary>What the Functions side writes at Information or above for one call, through host.json's levels.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class LogVolumeTests(FunctionsFixture fixture)
{
    [Fact]
    public async Task One_call_writes_at_most_ten_information_lines()
    {
        var tenant = await TestTenants.NewAsync(fixture.Get<TenantStore>());
        fixture.Log.Clear();

        var call = await SimulatedCall.PlaceAsync(fixture, tenant.Id, tenant.VoiceNumbers[0]);
        await call.CompleteAsync(fixture);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var lines = fixture.Log.Lines.Where(l => l.Level >= LogLevel.Information).ToList();
        Assert.True(lines.Count <= 10, $"{lines.Count} lines:\n" + string.Join('\n', lines.Select(l => $"{l.Level} {l.Category}: {l.Message}")));
        Assert.DoesNotContain(lines, l => l.Category.StartsWith("Function.", StringComparison.Ordinal) || l.Category == HostLog.DurableCategory);
    }
}
