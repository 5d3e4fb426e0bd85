using Azure;
using Azure.Data.Tables;
using CallCenter.Core.Storage;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// A call's one media stream. A Twilio call has at most one bidirectional stream, so the first <c>start</c>
/// that presents a valid token binds the call (and with it every token issued for it) to its streamSid:
/// an insert-only row <c>(CallSid, "stream")</c> in the CallSid index. The insert is the decision, so it
/// holds across every bridge replica; a second stream, at once or later, finds the row and is refused.
/// Nothing deletes the row: a call whose stream has ended never streams again.
/// </summary>
public sealed class StreamBindings(CallCenterTables tables)
{
    public const string Row = "stream";

    /// <summary>
    /// The stream that takes the caller back to the agent after a transfer nobody answered: a call's second and
    /// last stream, bound the same way (a replayed Dial action's stream finds it taken).
    /// </summary>
    public const string AfterTransferRow = "stream-after-transfer";

    /// <summary>True when this stream took the call; false when another stream had it first.</summary>
    public async Task<bool> TryBindAsync(string callSid, string streamSid, DateTimeOffset now, CancellationToken ct, string row = Row)
    {
        try
        {
            await tables.CallIndex.AddEntityAsync(new TableEntity(callSid, row) { ["StreamSid"] = streamSid, ["BoundAt"] = now }, ct)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The streamSid a call is bound to, or null when it has not streamed.</summary>
    public async Task<string?> BoundStreamAsync(string callSid, CancellationToken ct)
    {
        var found = await tables.CallIndex.GetEntityIfExistsAsync<TableEntity>(callSid, Row, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue ? found.Value?.GetString("StreamSid") : null;
    }
}
