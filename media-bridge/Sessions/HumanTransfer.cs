using System.Text.Json;
using System.Text.Json.Nodes;
using CallCenter.Core.Calls;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The <c>transfer_to_human</c> tool of one call. <see cref="Request"/> answers the model: outside the tenant's
/// transfer hours, with no transfer number, on a call already transferred once (or back after an unanswered
/// transfer), the answer says so and nothing else happens. Otherwise the transfer is armed: the model says one
/// short line, and once it has played (the hangup policy's goodbye machinery) <see cref="RedirectAsync"/> runs
/// instead of the hangup: the transfer is recorded on the call log (pending), then the call is redirected to
/// the transfer TwiML. Twilio then ends the stream with <c>stop</c>, a normal end of the session.
/// </summary>
internal sealed class HumanTransfer(CallContext context, CallLogStore calls, ICallControl control, TimeProvider time, ILogger logger)
{
    public const string ArmedOutput = """{"ok":true,"note":"a person will take the call: say one short sentence telling the caller you are connecting them now, and nothing else"}""";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private CallTransfer? _armed;

    /// <summary>A transfer was accepted: the session's end of the agent's line redirects the call instead of hanging up.</summary>
    public bool Armed => Volatile.Read(ref _armed) is not null;

    /// <summary>The tool's answer to the model; arms the transfer when one can be made now.</summary>
    public string Request(string arguments)
    {
        string? reason = null, summary = null;
        try
        {
            using var args = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments);
            reason = Str(args.RootElement, "reason");
            summary = Str(args.RootElement, "summary");
        }
        catch (JsonException)
        {
        }

        var tenant = context.Tenant;
        var refusal = string.IsNullOrWhiteSpace(reason) || string.IsNullOrWhiteSpace(summary) ? "reason and summary are both required"
            : Armed || context.Call?.Transfer is not null || context.Claims.AfterTransfer is not null
                ? "this call was already transferred once; offer to schedule a callback instead"
            : tenant.TransferNumbers.Count == 0 ? "transfers are not available for this business: no one can take calls; offer to schedule a callback instead"
            : context.Claims.TwilioBase is null ? "transfers are not available on this call; offer to schedule a callback instead"
            : tenant.TransferHours is { } hours && !hours.IsOpen(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(tenant.TimeZone))
                ? $"no one can take the call now: people answer {hours} ({tenant.TimeZone}); offer to schedule a callback instead"
            : null;
        if (refusal is not null)
        {
            TransferTrace.Refused(logger, context.Claims.CallSid, refusal);
            return new JsonObject { ["ok"] = false, ["error"] = refusal }.ToJsonString();
        }

        var transfer = new CallTransfer(string.Join(',', tenant.TransferNumbers), reason!, summary!, time.GetUtcNow(), TransferOutcomes.Pending, null);
        Volatile.Write(ref _armed, transfer);
        TransferTrace.Requested(logger, context.Claims.CallSid, transfer.Target);
        return ArmedOutput;
    }

    /// <summary>
    /// Records the transfer, then redirects the call; both bounded in time. When either fails the caller would
    /// be left with an agent that has said goodbye, so the call is hung up (and a recorded transfer marked failed).
    /// </summary>
    public async Task RedirectAsync(Func<Task> hangUp)
    {
        var transfer = Volatile.Read(ref _armed)!;
        var callSid = context.Claims.CallSid;
        var recorded = false;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            recorded = await calls.RecordTransferAsync(context.Tenant.Id, callSid, transfer with { RequestedAt = time.GetUtcNow() }, timeout.Token)
                .ConfigureAwait(false) is { Transfer.IsPending: true };
            if (!recorded)
            {
                throw new InvalidOperationException("the call has no row, or a transfer already");
            }

            await control.RedirectAsync(callSid, new Uri(context.Claims.TwilioBase!, TransferWebhookHandler.DialPath), timeout.Token).ConfigureAwait(false);
            TransferTrace.Redirected(logger, callSid);
        }
        catch (Exception e)
        {
            TransferTrace.Failed(logger, callSid, e);
            if (recorded)
            {
                try
                {
                    await calls.RecordTransferOutcomeAsync(context.Tenant.Id, callSid, TransferOutcomes.Failed, time.GetUtcNow()).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The hangup below matters more; the call's end leaves the transfer pending in the log.
                }
            }

            await hangUp().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The stream after an unanswered transfer numbers its turns from here, after the first stream's: turns
    /// are insert-only by sequence, so the two streams' turns never collide and keep their order.
    /// </summary>
    public static int FirstSequence(StreamClaims claims) => claims.AfterTransfer is null ? 0 : 500_000;

    /// <summary>A stream back from a transfer is taken only while the call is up and its transfer ended as the token says, unanswered.</summary>
    public static bool MayComeBack(StreamClaims claims, CallLog? call) =>
        call is { Transfer: { WentUnanswered: true } transfer }
        && transfer.Outcome == claims.AfterTransfer
        && !(call.Status is { } status && status.IsTerminal());

    /// <summary>
    /// On the stream back from an unanswered transfer, the system message that tells the model what happened
    /// before its greeting: nobody answered, and a callback is to be offered. Null on a call's first stream.
    /// </summary>
    public static byte[]? BackFromTransfer(CallContext context)
    {
        if (context.Claims.AfterTransfer is not { } outcome)
        {
            return null;
        }

        var why = outcome switch
        {
            TransferOutcomes.Busy => "the line was busy",
            TransferOutcomes.NoAnswer => "nobody answered",
            _ => "the call could not be put through",
        };
        var text = $"You tried to transfer this caller to a person, and {why}. The caller is back with you now. "
            + "Tell them briefly that no one could take the call right now, and offer to schedule a callback at a time they choose "
            + $"(use {Core.Prompts.AgentTools.ScheduleCallback}). Do not try to transfer again."
            + (context.Call?.Transfer is { } t ? $" Your summary of the call so far: {t.Summary}" : "");
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "conversation.item.create");
            w.WriteStartObject("item");
            w.WriteString("type", "message");
            w.WriteString("role", "system");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "input_text");
            w.WriteString("text", text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? Str(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
