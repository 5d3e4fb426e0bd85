using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TurnStoreInsertOnlyTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private TurnStore Turns => _services.GetRequiredService<TurnStore>();

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_second_session_restarting_at_sequence_one_never_replaces_a_stored_turn()
    {
        var callSid = TwilioSid();
        Assert.Equal(3, await Turns.AppendAsync("acme", Session(callSid, "first", 1, 2, 3)));

        var inserted = await Turns.AppendAsync("acme", Session(callSid, "second", 1, 2, 4));

        Assert.Equal(1, inserted);
        Assert.Equal(
            [(1, "first 1"), (2, "first 2"), (3, "first 3"), (4, "second 4")],
            (await Turns.ListAsync("acme", callSid)).Select(t => (t.Sequence, t.Text)));
    }

    [Fact]
    public async Task A_retried_batch_of_150_turns_writes_no_row_again()
    {
        var callSid = TwilioSid();
        var turns = Session(callSid, "said", [.. Enumerable.Range(1, 150)]);
        Assert.Equal(150, await Turns.AppendAsync("acme", turns));
        var before = await RowsAsync(callSid);

        var again = await Turns.AppendAsync("acme", turns);
        var withDuplicates = await Turns.AppendAsync("acme", [.. turns.Take(3), .. turns.Take(3)]);

        Assert.Equal((0, 0), (again, withDuplicates));
        Assert.Equal(before, await RowsAsync(callSid)); // same rows, same ETags: nothing was rewritten
        Assert.Equal(150, before.Count);
    }

    private async Task<List<(string RowKey, string ETag)>> RowsAsync(string callSid)
    {
        var rows = new List<(string, string)>();
        await foreach (var e in _services.GetRequiredService<CallCenterTables>().Turns.QueryAsync<TableEntity>(e => e.PartitionKey == "acme"))
        {
            if (e.RowKey.StartsWith(callSid, StringComparison.Ordinal))
            {
                rows.Add((e.RowKey, e.ETag.ToString()));
            }
        }

        return rows;
    }

    private static string TwilioSid() => "CA" + Guid.NewGuid().ToString("N");

    private static List<ConversationTurn> Session(string callSid, string text, params int[] sequences) =>
        [.. sequences.Select(n => new ConversationTurn(callSid, n, n % 2 == 1 ? TurnRole.Caller : TurnRole.Agent, $"{text} {n}", TimeSpan.FromSeconds(n)))];
}
