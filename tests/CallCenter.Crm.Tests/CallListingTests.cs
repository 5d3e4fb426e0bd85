using System.Text.Json;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Crm.Tests;

/// <summary>The calls listing on Azurite: newest first across pages through the date index, and its filters.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallListingTests(AzuriteFixture azurite, CrmHost host) : IClassFixture<CrmHost>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Thirty_calls_created_in_random_callsid_order_list_newest_first_across_three_pages()
    {
        await host.StartAsync(azurite);
        var (tenant, key) = await NewTenantAsync("ls");
        var calls = Enumerable.Range(0, 30).Select(i => NewCall(tenant, Start.AddMinutes(i), i % 3 == 0 ? CallDirection.Outbound : CallDirection.Inbound)).ToList();
        var store = host.Host.Services.GetRequiredService<CallLogStore>();
        foreach (var call in calls.OrderBy(c => c.CallSid, StringComparer.Ordinal))
        {
            await store.CreateIfMissingAsync(call);
        }

        var pages = await ReadAllPagesAsync(tenant, key, "limit=10");

        Assert.Equal(calls.OrderByDescending(c => c.CreatedAt).Select(c => c.CallSid), pages.SelectMany(p => p));
        Assert.Equal([10, 10, 10], pages.Take(3).Select(p => p.Count));
        // CallSids are random, so CallSid order is not time order: the test would pass by accident otherwise.
        Assert.NotEqual(calls.OrderBy(c => c.CallSid, StringComparer.Ordinal).Select(c => c.CallSid), pages.SelectMany(p => p));
    }

    [Fact]
    public async Task Status_direction_dates_phone_and_lead_filters_keep_only_matching_calls_newest_first()
    {
        await host.StartAsync(azurite);
        var (tenant, key) = await NewTenantAsync("lf");
        var store = host.Host.Services.GetRequiredService<CallLogStore>();
        var calls = Enumerable.Range(0, 12).Select(i => NewCall(
            tenant, Start.AddDays(i), i % 2 == 0 ? CallDirection.Outbound : CallDirection.Inbound,
            from: i == 4 ? "+15550004444" : "+15550001111", to: i == 7 ? "+15550004444" : "+15550002222",
            leadId: i == 5 ? "ld0123456789abcdef0123" : null)).ToList();
        foreach (var call in calls)
        {
            await store.CreateIfMissingAsync(call);
        }

        // Status changes after creation: the filter reads it from the call row, not the index.
        foreach (var i in new[] { 2, 3, 9 })
        {
            await store.UpdateAsync(tenant, calls[i].CallSid, c => { c.Status = CallStatus.Completed; return true; });
        }

        IEnumerable<string> Newest(Func<int, bool> keep) => Enumerable.Range(0, 12).Where(keep).Reverse().Select(i => calls[i].CallSid);
        Assert.Equal(Newest(i => i % 2 == 0), (await ReadAllPagesAsync(tenant, key, "direction=outbound&limit=4")).SelectMany(p => p));
        Assert.Equal(Newest(i => i is 4 or 7), (await ReadAllPagesAsync(tenant, key, "phone=%2B15550004444")).SelectMany(p => p));
        Assert.Equal(Newest(i => i is 4 or 7), (await ReadAllPagesAsync(tenant, key, "phone=+15550004444")).SelectMany(p => p));
        // From is inclusive, to exclusive: the call at exactly 2026-03-06T09:00Z is out.
        Assert.Equal(Newest(i => i is 3 or 4), (await ReadAllPagesAsync(tenant, key, "from=2026-03-04&to=2026-03-06T09:00:00Z")).SelectMany(p => p));
        Assert.Equal(Newest(i => i is 2 or 3 or 9), (await ReadAllPagesAsync(tenant, key, "status=completed&limit=5")).SelectMany(p => p));
        Assert.Equal(Newest(i => i is 3), (await ReadAllPagesAsync(tenant, key, "status=completed&direction=inbound&to=2026-03-08")).SelectMany(p => p));
        Assert.Equal(Newest(i => i is 5), (await ReadAllPagesAsync(tenant, key, "leadId=ld0123456789abcdef0123")).SelectMany(p => p));
        Assert.Empty((await ReadAllPagesAsync(tenant, key, "status=busy")).SelectMany(p => p));
    }

    [Fact]
    public async Task A_bad_filter_answers_400_naming_every_bad_value_before_the_store_is_touched()
    {
        await host.StartAsync(azurite);
        var (tenant, key) = await NewTenantAsync("lb");
        var before = await StorageSnapshot.TakeAsync(azurite.ConnectionString, host.TablePrefix, host.RecordingsContainer);

        var (status, body, raw) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/calls?status=done&direction=sideways&phone=5550001&from=soon", key);

        Assert.True(status == 400, raw);
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(errors, e => e.StartsWith("status must be one of queued,", StringComparison.Ordinal));
        Assert.Contains("direction must be inbound or outbound", errors);
        Assert.Contains(errors, e => e.StartsWith("phone must be an E.164 number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("from must be an ISO 8601 date", StringComparison.Ordinal));
        // The first listing of a tenant writes its date-index marker: nothing written means the store never ran.
        var after = await StorageSnapshot.TakeAsync(azurite.ConnectionString, host.TablePrefix, host.RecordingsContainer);
        Assert.Empty(after.ChangesSince(before));
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/calls?status=completed", key)).Status);
        Assert.NotEmpty((await StorageSnapshot.TakeAsync(azurite.ConnectionString, host.TablePrefix, host.RecordingsContainer)).ChangesSince(after));
    }

    [Fact]
    public async Task A_repeated_create_writes_one_index_row_dated_by_the_stored_call()
    {
        await host.StartAsync(azurite);
        var (tenant, _) = await NewTenantAsync("lr");
        var store = host.Host.Services.GetRequiredService<CallLogStore>();
        var call = NewCall(tenant, Start, CallDirection.Inbound);

        var first = await store.CreateIfMissingAsync(call);
        var again = await store.CreateIfMissingAsync(NewCall(tenant, Start.AddHours(1), CallDirection.Inbound, call.CallSid));

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(Start, again.Call.CreatedAt);
        var index = await IndexRowsAsync(tenant);
        var row = Assert.Single(index);
        Assert.Equal(call.CallSid, row.GetString("CallSid"));
        Assert.Equal(Start, row.GetDateTimeOffset("CreatedAt"));
        Assert.EndsWith("|" + call.CallSid, row.RowKey, StringComparison.Ordinal);
        Assert.Equal([call.CallSid], (await store.ListAsync(tenant)).Select(c => c.CallSid));
    }

    [Fact]
    public async Task Calls_stored_before_the_index_existed_are_indexed_once_on_the_first_listing()
    {
        await host.StartAsync(azurite);
        var (tenant, key) = await NewTenantAsync("lo");
        var table = host.Host.Services.GetRequiredService<CallCenterTables>().Calls;
        var legacy = Enumerable.Range(0, 3).Select(i => NewCall(tenant, Start.AddHours(i), CallDirection.Inbound)).ToList();
        foreach (var call in legacy)
        {
            // A call row as the store wrote it before the index: no index row beside it.
            await table.AddEntityAsync(new TableEntity(tenant, call.CallSid)
            {
                ["Direction"] = "Inbound", ["From"] = call.From, ["To"] = call.To, ["CreatedAt"] = call.CreatedAt, ["Status"] = "completed",
            });
        }

        var store = host.Host.Services.GetRequiredService<CallLogStore>();
        var fresh = NewCall(tenant, Start.AddDays(1), CallDirection.Outbound);
        await store.CreateIfMissingAsync(fresh);

        var listed = (await ReadAllPagesAsync(tenant, key, "limit=2")).SelectMany(p => p).ToList();
        var again = (await ReadAllPagesAsync(tenant, key, "")).SelectMany(p => p).ToList();

        string[] expected = [fresh.CallSid, .. legacy.OrderByDescending(c => c.CreatedAt).Select(c => c.CallSid)];
        Assert.Equal(expected, listed);
        Assert.Equal(expected, again);
        Assert.Equal(4, (await IndexRowsAsync(tenant)).Count);
    }

    private async Task<(string Tenant, string Key)> NewTenantAsync(string prefix)
    {
        var tenant = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        return (tenant, await host.CreateTenantAsync(tenant));
    }

    private static CallLog NewCall(
        string tenant, DateTimeOffset at, CallDirection direction, string? callSid = null,
        string from = "+15550001111", string to = "+15550002222", string? leadId = null) => new()
    {
        TenantId = tenant,
        CallSid = callSid ?? "CA" + Guid.NewGuid().ToString("N"),
        Direction = direction,
        From = from,
        To = to,
        LeadId = leadId,
        CreatedAt = at,
    };

    /// <summary>Every page of a listing, following continuations, each as its call ids.</summary>
    private async Task<List<List<string>>> ReadAllPagesAsync(string tenant, string key, string query)
    {
        var pages = new List<List<string>>();
        string? continuation = null;
        do
        {
            var path = $"/api/tenants/{tenant}/calls?{query}" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation));
            var (status, body, raw) = await host.SendAsync(HttpMethod.Get, path, key);
            Assert.True(status == 200, raw);
            pages.Add(body.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList());
            continuation = body.TryGetProperty("continuation", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            Assert.True(pages.Count < 50, "the listing does not end");
        }
        while (continuation is not null);

        return pages;
    }

    private async Task<List<TableEntity>> IndexRowsAsync(string tenant)
    {
        var table = host.Host.Services.GetRequiredService<CallCenterTables>().Calls;
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey ge {"~date|"} and RowKey lt {"~date}"}")))
        {
            rows.Add(row);
        }

        return rows;
    }
}
