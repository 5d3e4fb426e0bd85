using System.Buffers.Text;
using System.Text;
using Azure.Data.Tables;

namespace CallCenter.Core.Storage;

/// <summary>One page of a listing; <see cref="Continuation"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Continuation);

/// <summary>A continuation the client sent back that is not one we issued.</summary>
public sealed class BadContinuationException() : Exception("continuation is not valid");

/// <summary>
/// Cursor pagination over Azure Tables: the service's continuation token, base64url-encoded so it is opaque
/// to clients and safe in a query string.
/// </summary>
public static class Pages
{
    public const int DefaultSize = 50;
    public const int MaxSize = 200;

    public static async Task<Page<T>> ReadAsync<T>(
        TableClient table, string filter, string? continuation, int pageSize, Func<TableEntity, T> map, CancellationToken ct)
    {
        var token = Decode(continuation);
        var query = table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: ct);
        await foreach (var page in query.AsPages(token, pageSize).ConfigureAwait(false))
        {
            return new Page<T>(page.Values.Select(map).ToList(), Encode(page.ContinuationToken));
        }

        return new Page<T>([], null);
    }

    private static string? Encode(string? token) =>
        string.IsNullOrEmpty(token) ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(token));

    private static string? Decode(string? continuation)
    {
        if (string.IsNullOrEmpty(continuation))
        {
            return null;
        }

        try
        {
            var token = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuation));
            // Table continuation tokens are "{partition} {row}" of printable characters.
            return token.Length is > 0 and <= 2048 && token.All(c => c is >= ' ' and <= '~') ? token : throw new BadContinuationException();
        }
        catch (FormatException)
        {
            throw new BadContinuationException();
        }
    }
}
