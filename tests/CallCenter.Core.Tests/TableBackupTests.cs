using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CallCenter.Core.Auth;
using CallCenter.Core.Backup;
using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.Core.Tests;

/// <summary>The daily export and the restore, end to end on Azurite: export, delete a tenant's rows, restore, compare.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableBackupTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ServiceProvider _services = null!;

    private TableBackup Backup => _services.GetRequiredService<TableBackup>();
    private CallCenterTables Tables => _services.GetRequiredService<CallCenterTables>();

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync(
        (services, configuration) => services.AddCallCenterBackup(configuration),
        new Dictionary<string, string?> { ["Backup:Container"] = $"bk-{Guid.NewGuid().ToString("N")[..12]}" });

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_tenant_whose_rows_were_deleted_is_restored_exactly_and_no_other_tenant_changes()
    {
        await SeedAsync("acme", "+15550100001");
        await SeedAsync("globex", "+15550100002");
        var acmeBefore = await RowsOfAsync("acme");
        var globexBefore = await RowsOfAsync("globex");
        Assert.Contains(acmeBefore, r => r.StartsWith("PhoneRoutes|", StringComparison.Ordinal));
        Assert.Contains(acmeBefore, r => r.StartsWith("CallIndex|", StringComparison.Ordinal));
        Assert.Contains(acmeBefore, r => r.StartsWith("ApiKeys|", StringComparison.Ordinal));

        var export = await Backup.ExportAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(2, export.Written.Count);
        Assert.Equal(acmeBefore.Count + globexBefore.Count, export.Rows);

        await DeleteRowsOfAsync("acme");
        Assert.Empty(await RowsOfAsync("acme"));

        var restored = await Backup.RestoreAsync("acme", TableBackup.Latest);

        Assert.NotNull(restored);
        Assert.Equal(acmeBefore.Count, restored.Rows);
        Assert.Equal(acmeBefore, await RowsOfAsync("acme"));
        Assert.Equal(globexBefore, await RowsOfAsync("globex"));
        Assert.NotNull(await _services.GetRequiredService<TenantStore>().FindByVoiceNumberAsync("+15550100001"));
    }

    [Fact]
    public async Task Re_running_an_export_of_the_same_window_writes_the_same_blobs_and_replaces_nothing()
    {
        await SeedAsync("acme", "+15550100011");
        var (from, to) = (DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddMinutes(1));

        var first = await Backup.ExportAsync(from, to);
        var firstBlobs = await BlobsAsync();
        var second = await Backup.ExportAsync(from, to);

        Assert.Single(first.Written);
        Assert.Empty(second.Written);
        Assert.Equal(first.Written, second.AlreadyThere);
        Assert.Equal(first.Rows, second.Rows);
        Assert.Equal(firstBlobs, await BlobsAsync());
    }

    [Fact]
    public async Task Each_export_holds_only_what_changed_in_its_window_and_a_restore_to_an_earlier_one_brings_back_that_state()
    {
        var leads = _services.GetRequiredService<LeadStore>();
        var (lead, _) = await leads.GetOrCreateByPhoneAsync("acme", "+15550100021", LeadSources.InboundCall, "Dana");
        var firstEnd = await InstantAfterLastWriteAsync();
        var first = await Backup.ExportAsync(DateTimeOffset.UnixEpoch, firstEnd);
        await leads.UpdateAsync("acme", lead.Id, l => l with { Name = "Dana Scully" });
        var second = await Backup.ExportAsync(firstEnd, DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.Equal(2, first.Rows); // the lead and its phone row
        Assert.Equal(1, second.Rows); // the lead again, renamed
        var exports = await Backup.ListExportsAsync("acme");
        Assert.Equal(2, exports.Count);

        var restored = await Backup.RestoreAsync("acme", exports[0]);
        Assert.Equal([exports[0]], restored!.Exports);
        Assert.Equal("Dana", (await leads.GetAsync("acme", lead.Id))!.Name);

        restored = await Backup.RestoreAsync("acme", TableBackup.Latest);
        Assert.Equal(exports, restored!.Exports);
        Assert.Equal("Dana Scully", (await leads.GetAsync("acme", lead.Id))!.Name);
    }

    [Fact]
    public async Task The_daily_run_exports_up_to_the_start_of_its_day_once_and_then_finds_nothing_due()
    {
        await SeedAsync("acme", "+15550100051");
        // The run after today: today's rows are in its window.
        var tomorrow = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(1));
        var daily = new TableBackup(Tables, _services.GetRequiredService<BlobServiceClient>(), _services.GetRequiredService<IOptions<BackupOptions>>(), tomorrow);

        var first = await daily.ExportDueAsync();
        var again = await daily.ExportDueAsync();

        Assert.Equal(new DateTimeOffset(tomorrow.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero), first.To);
        Assert.Equal((await RowsOfAsync("acme")).Count, first.Rows);
        Assert.Single(first.Written);
        Assert.Equal(0, again.Rows);
        Assert.Empty(again.Written);
    }

    [Fact]
    public async Task A_restore_leaves_a_number_that_another_tenant_owns_now_with_that_tenant()
    {
        var tenants = _services.GetRequiredService<TenantStore>();
        await tenants.SaveAsync(new Tenant { Id = "acme", Name = "Acme", VoiceNumbers = ["+15550100031"] });
        await Backup.ExportAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddMinutes(1));
        await tenants.SaveAsync(new Tenant { Id = "acme", Name = "Acme" });
        await tenants.SaveAsync(new Tenant { Id = "globex", Name = "Globex", VoiceNumbers = ["+15550100031"] });

        var restored = await Backup.RestoreAsync("acme", TableBackup.Latest);

        Assert.Equal(1, restored!.KeptForOtherTenants);
        var route = await Tables.PhoneRoutes.GetEntityAsync<TableEntity>("+15550100031", "voice");
        Assert.Equal("globex", route.Value.GetString("TenantId"));
    }

    [Fact]
    public async Task An_export_that_does_not_exist_restores_nothing()
    {
        await SeedAsync("acme", "+15550100041");
        var before = await RowsOfAsync("acme");

        Assert.Null(await Backup.RestoreAsync("acme", "20990101T000000Z"));
        Assert.Null(await Backup.RestoreAsync("../acme", TableBackup.Latest));
        Assert.Equal(before, await RowsOfAsync("acme"));
    }

    /// <summary>An instant after every write so far and before the next one (Timestamps are the server's, in ms).</summary>
    private static async Task<DateTimeOffset> InstantAfterLastWriteAsync()
    {
        await Task.Delay(50);
        var instant = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        return instant;
    }

    /// <summary>Every table the product writes, with a tenant's rows in each that has them.</summary>
    private async Task SeedAsync(string tenantId, string number)
    {
        await _services.GetRequiredService<TenantStore>().SaveAsync(new Tenant { Id = tenantId, Name = tenantId.ToUpperInvariant(), VoiceNumbers = [number] });
        var (lead, _) = await _services.GetRequiredService<LeadStore>().GetOrCreateByPhoneAsync(tenantId, "+15559990000", LeadSources.InboundCall, "Dana");
        var call = TestCalls.New(tenantId, from: lead.Phone, to: number);
        call.Summary = "Asked about prices.";
        call.DurationSeconds = 42;
        await _services.GetRequiredService<CallLogStore>().CreateIfMissingAsync(call);
        await _services.GetRequiredService<TurnStore>().AppendAsync(tenantId, [new ConversationTurn(call.CallSid, 1, TurnRole.Caller, "Hello, ünïcode \"quoted\"\nline", TimeSpan.FromSeconds(1.5))]);
        await _services.GetRequiredService<ApiKeyService>().IssueAsync(tenantId, "crm");
        // Column types no store writes today still come back as they were.
        await Tables.Prompts.UpsertEntityAsync(new TableEntity(tenantId, "typed")
        {
            ["Big"] = long.MaxValue,
            ["Ratio"] = 0.1,
            ["Flag"] = true,
            ["Id"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            ["At"] = new DateTimeOffset(2026, 12, 1, 10, 30, 15, 123, TimeSpan.Zero),
        });
    }

    /// <summary>The tenant's rows in every table as comparable text (system columns left out), sorted.</summary>
    private async Task<List<string>> RowsOfAsync(string tenantId)
    {
        var rows = new List<string>();
        foreach (var (name, table, global) in AllTables())
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                if ((global ? row.GetString("TenantId") : row.PartitionKey) == tenantId)
                {
                    var columns = row.Where(c => c.Key is not ("odata.etag" or "Timestamp")).OrderBy(c => c.Key, StringComparer.Ordinal)
                        .Select(c => $"{c.Key}={(c.Value is byte[] b ? Convert.ToBase64String(b) : c.Value is DateTimeOffset t ? t.UtcDateTime.ToString("O") : c.Value)}:{c.Value?.GetType().Name}");
                    rows.Add($"{name}|{string.Join(';', columns)}");
                }
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private async Task DeleteRowsOfAsync(string tenantId)
    {
        foreach (var (_, table, global) in AllTables())
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                if ((global ? row.GetString("TenantId") : row.PartitionKey) == tenantId)
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
                }
            }
        }
    }

    private async Task<Dictionary<string, string>> BlobsAsync()
    {
        var container = _services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(_services.GetRequiredService<IOptions<BackupOptions>>().Value.Container);
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync())
        {
            blobs[blob.Name] = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
        }

        return blobs;
    }

    private IEnumerable<(string Name, TableClient Table, bool Global)> AllTables() =>
    [
        ("Tenants", Tables.Tenants, false), ("PhoneRoutes", Tables.PhoneRoutes, true), ("Leads", Tables.Leads, false),
        ("Calls", Tables.Calls, false), ("CallIndex", Tables.CallIndex, true), ("Turns", Tables.Turns, false),
        ("ApiKeys", Tables.ApiKeys, false), ("Prompts", Tables.Prompts, false), ("WhatsApp", Tables.WhatsApp, false),
    ];
}
