using Azure.Data.Tables;
using CallCenter.Core.Storage;
using CallCenter.Testing;

namespace CallCenter.Core.Tests;

/// <summary>The one read-modify-write under an ETag, on Azurite: each rule it promises its callers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OptimisticUpdateTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Partition = "p";
    private TableClient _table = null!;

    public async Task InitializeAsync()
    {
        _table = new TableClient(azurite.ConnectionString, "opt" + Guid.NewGuid().ToString("N")[..12]);
        await _table.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync() => await _table.DeleteAsync();

    [Fact]
    public async Task A_change_that_lost_a_race_is_applied_again_to_the_row_as_stored()
    {
        var row = await NewRowAsync(0);
        var calls = 0;

        var result = await UpdateAsync(row, c =>
        {
            if (++calls == 1)
            {
                SetBehindTheBack(row, 10);
            }

            return c with { Value = c.Value + 1 };
        });

        Assert.Equal(2, calls);
        Assert.Equal(11, result!.Value);
        Assert.Equal(11, await StoredAsync(row));
    }

    [Fact]
    public async Task A_change_that_changes_nothing_writes_nothing()
    {
        var row = await NewRowAsync(5);
        var before = (await _table.GetEntityAsync<TableEntity>(Partition, row)).Value.ETag;

        var result = await UpdateAsync(row, _ => null);

        Assert.Equal(5, result!.Value);
        Assert.Equal(before, (await _table.GetEntityAsync<TableEntity>(Partition, row)).Value.ETag);
    }

    [Fact]
    public async Task A_missing_row_gives_null_and_is_not_created()
    {
        var calls = 0;

        var result = await UpdateAsync("missing", c => { calls++; return c with { Value = 1 }; });

        Assert.Null(result);
        Assert.Equal(0, calls);
        Assert.False((await _table.GetEntityIfExistsAsync<TableEntity>(Partition, "missing")).HasValue);
    }

    [Fact]
    public async Task A_row_deleted_between_the_read_and_the_replace_gives_null_and_is_not_recreated()
    {
        var row = await NewRowAsync(1);

        var result = await UpdateAsync(row, c =>
        {
            _table.DeleteEntity(Partition, row);
            return c with { Value = 2 };
        });

        Assert.Null(result);
        Assert.False((await _table.GetEntityIfExistsAsync<TableEntity>(Partition, row)).HasValue);
    }

    [Fact]
    public async Task It_gives_up_after_the_attempts_allowed_with_an_exception_naming_the_row()
    {
        var row = await NewRowAsync(0);
        var calls = 0;

        var failure = await Assert.ThrowsAsync<OptimisticUpdateException>(() => UpdateAsync(row, c =>
        {
            SetBehindTheBack(row, 100 + ++calls);
            return c with { Value = -1 };
        }, maxAttempts: 3));

        Assert.Equal(3, calls);
        Assert.Contains($"{Partition}/{row}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", failure.Message, StringComparison.Ordinal);
        Assert.Equal(103, await StoredAsync(row));
    }

    [Fact]
    public async Task A_stale_remembered_copy_costs_one_failed_replace_and_the_change_lands_on_the_stored_row()
    {
        var row = await NewRowAsync(0);
        var remembered = new RememberedRows(10);
        await UpdateAsync(row, c => c with { Value = 1 }, remembered);
        SetBehindTheBack(row, 7);
        var seen = new List<long>();

        var result = await UpdateAsync(row, c => { seen.Add(c.Value); return c with { Value = c.Value + 1 }; }, remembered, startFromRemembered: true);

        Assert.Equal([1, 7], seen);
        Assert.Equal(8, result!.Value);
        Assert.Equal(8, await StoredAsync(row));
        Assert.Equal(8, remembered.TryGet(Partition, row)!.GetInt64("Value"));
    }

    [Fact]
    public async Task A_fresh_remembered_copy_writes_without_reading_and_a_no_op_on_it_costs_nothing()
    {
        var row = await NewRowAsync(0);
        var remembered = new RememberedRows(10);
        await UpdateAsync(row, c => c with { Value = 1 }, remembered);
        var copy = remembered.TryGet(Partition, row)!;
        await _table.DeleteEntityAsync(Partition, row);

        // The copy is all it looks at: a no-op on it does not notice the row is gone.
        var result = await UpdateAsync(row, _ => null, remembered, startFromRemembered: true);

        Assert.Equal(1, result!.Value);
        Assert.Same(copy, remembered.TryGet(Partition, row));
    }

    private sealed record Counter(string Row, long Value);

    private Task<Counter?> UpdateAsync(string row, Func<Counter, Counter?> change, RememberedRows? remembered = null, bool startFromRemembered = false, int maxAttempts = OptimisticUpdate.MaxAttempts) =>
        OptimisticUpdate.RunAsync(
            _table, Partition, row, e => new Counter(e.RowKey, e.GetInt64("Value")!.Value), change, c => new TableEntity(Partition, c.Row) { ["Value"] = c.Value },
            CancellationToken.None, remembered, startFromRemembered, maxAttempts);

    private async Task<string> NewRowAsync(long value)
    {
        var row = Guid.NewGuid().ToString("N");
        await _table.AddEntityAsync(new TableEntity(Partition, row) { ["Value"] = value });
        return row;
    }

    // Another writer, between the helper's read and its replace.
    private void SetBehindTheBack(string row, long value) =>
        _table.UpsertEntity(new TableEntity(Partition, row) { ["Value"] = value }, TableUpdateMode.Replace);

    private async Task<long?> StoredAsync(string row) => (await _table.GetEntityAsync<TableEntity>(Partition, row)).Value.GetInt64("Value");
}
