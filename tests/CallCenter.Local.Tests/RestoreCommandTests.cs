using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Backup;
using CallCenter.Core.Crm;
using CallCenter.Core.Hosting;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.DevServices;
using CallCenter.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Local.Tests;

/// <summary>The restore command as the runbook gives it, run as its own process against an account's exports.</summary>
public sealed class RestoreCommandTests
{
    [Fact]
    public async Task The_restore_command_puts_a_deleted_tenant_back_from_its_latest_export()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = "restore",
            ["Backup:Container"] = "backups",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var services = new ServiceCollection().AddCallCenterStorage(configuration).AddCallCenterBackup(configuration).BuildServiceProvider();
        var tables = services.GetRequiredService<CallCenterTables>();
        await tables.CreateIfNotExistsAsync();
        await services.GetRequiredService<TenantStore>().SaveAsync(new Tenant { Id = "acme", Name = "Acme", VoiceNumbers = ["+15550100061"] });
        var (lead, _) = await services.GetRequiredService<LeadStore>().GetOrCreateByPhoneAsync("acme", "+15559990061", LeadSources.InboundCall, "Dana");
        await services.GetRequiredService<TableBackup>().ExportAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddMinutes(1));
        await foreach (var row in tables.Leads.QueryAsync<TableEntity>(e => e.PartitionKey == "acme"))
        {
            await tables.Leads.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
        }

        await tables.Tenants.DeleteEntityAsync("acme", "tenant", ETag.All);

        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        using var restore = LocalHostProcess.Start(["restore", "--tenant", "acme", "--from", "latest"], environment);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await restore.Process.WaitForExitAsync(timeout.Token);

        Assert.True(restore.Process.ExitCode == 0, restore.Output);
        Assert.Contains("Restored tenant 'acme'", restore.Output, StringComparison.Ordinal);
        Assert.Equal("Dana", (await services.GetRequiredService<LeadStore>().GetAsync("acme", lead.Id))?.Name);
        Assert.Equal("Acme", (await services.GetRequiredService<TenantStore>().GetAsync("acme"))?.Name);

        using var missing = LocalHostProcess.Start(["restore", "--tenant", "acme", "--from", "20990101T000000Z"], environment);
        await missing.Process.WaitForExitAsync(timeout.Token);
        Assert.Equal(1, missing.Process.ExitCode);
        Assert.Contains("Its exports: ", missing.Output, StringComparison.Ordinal);
    }
}
