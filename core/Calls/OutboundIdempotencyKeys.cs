using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Calls;

/// <summary>
/// The <c>Idempotency-Key</c> of <c>POST /calls</c>: a key names one outbound call for 24 hours, so a client
/// that retries after a lost answer (or a crash of ours) gets the same call instead of a second dial. Kept in
/// the call index, one partition per tenant, the key hashed into the row key (any visible ASCII is allowed in
/// a key, not all of it in a row key).
/// </summary>
public sealed class OutboundIdempotencyKeys(CallCenterTables tables, TimeProvider time)
{
    public const string HeaderName = "Idempotency-Key";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private const int MaxAttempts = 10;

    /// <summary>1 to 255 visible ASCII characters, as the common practice of this header allows.</summary>
    public static bool IsValid(string? key) => key is { Length: >= 1 and <= 255 } && key.All(c => c is >= '!' and <= '~');

    /// <summary>
    /// Binds the key to <paramref name="newCallId"/> unless it already names a call; returns the call id the key
    /// names and what the request is. <paramref name="fingerprint"/> identifies the request body.
    /// </summary>
    public async Task<(string CallId, IdempotencyOutcome Outcome)> ClaimAsync(
        string tenantId, string key, string fingerprint, string newCallId, CancellationToken ct = default)
    {
        var (partition, row) = ($"{tenantId}|idempotency", Hash(key));
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var entity = new TableEntity(partition, row) { ["CallId"] = newCallId, ["Fingerprint"] = fingerprint, ["CreatedAt"] = now };
            try
            {
                await tables.CallIndex.AddEntityAsync(entity, ct).ConfigureAwait(false);
                return (newCallId, IdempotencyOutcome.New);
            }
            catch (RequestFailedException e) when (e.IsConflict())
            {
            }

            var found = await tables.CallIndex.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct).ConfigureAwait(false);
            if (!found.HasValue || found.Value is not { } stored)
            {
                continue; // Removed in between: claim it again.
            }

            if (stored.GetDateTimeOffset("CreatedAt") is { } created && now - created < Lifetime)
            {
                return string.Equals(stored.GetString("Fingerprint"), fingerprint, StringComparison.Ordinal)
                    ? (stored.GetString("CallId")!, IdempotencyOutcome.Replay)
                    : (stored.GetString("CallId")!, IdempotencyOutcome.Mismatch);
            }

            try
            {
                // Expired: the key starts over, under the stored row's ETag so that one request renews it.
                await tables.CallIndex.UpdateEntityAsync(entity, stored.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return (newCallId, IdempotencyOutcome.New);
            }
            catch (RequestFailedException e) when (e.IsPreconditionFailed() && attempt < MaxAttempts)
            {
            }
        }
    }

    /// <summary>A stable digest of a request's fields, in order; null fields count.</summary>
    public static string Fingerprint(params IEnumerable<string?> fields) =>
        Hash(string.Join('\n', fields.Select(f => f is null ? "\0" : f.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))));

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
