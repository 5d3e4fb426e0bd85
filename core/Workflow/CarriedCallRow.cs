using CallCenter.Core.Calls;
using CallCenter.Core.Faults;

namespace CallCenter.Core.Workflow;

/// <summary>
/// A call's row as one <see cref="CallCompleter"/> run carries it: read once, changed in memory by each stage, and
/// written when the run says so, every change queued since the last write in one conditional replace. The changes
/// are pure functions of the row (as <see cref="CallLogStore.UpdateForwardAsync"/> asks), so a replace that meets a
/// row changed elsewhere applies them again to the row as stored; the copy is then the row as written.
/// </summary>
internal sealed class CarriedCallRow(CallLogStore calls, CallRef call)
{
    private readonly List<Func<CallLog, bool>> _unwritten = [];
    private CallLog? _copy;

    /// <summary>The row as read, with this run's changes, written or not.</summary>
    public CallLog Call => _copy ?? throw new InvalidOperationException("The call's row is read first.");

    /// <summary>The first stage whose change is not written yet; null when every change is.</summary>
    public CallStage? FirstUnwritten { get; private set; }

    public async Task<CallLog> ReadAsync(CancellationToken ct)
    {
        _copy = await calls.GetAsync(call.TenantId, call.CallSid, ct) ?? throw new PermanentFailureException($"Call {call.CallSid} is gone.");
        return _copy;
    }

    /// <summary>Applies <paramref name="change"/> to the copy and queues it for the row; a change that changes nothing is not queued.</summary>
    public void Change(Func<CallLog, bool> change, CallStage stage)
    {
        if (change(Call))
        {
            _unwritten.Add(change);
            FirstUnwritten ??= stage;
        }
    }

    /// <summary>Writes the queued changes in one request (none when nothing is queued).</summary>
    public async Task WriteAsync(CancellationToken ct)
    {
        if (_unwritten.Count == 0)
        {
            return;
        }

        Func<CallLog, bool>[] changes = [.. _unwritten];
        _copy = await calls.UpdateForwardAsync(call.TenantId, call.CallSid, c =>
        {
            var changed = false;
            foreach (var change in changes)
            {
                changed |= change(c);
            }

            return changed;
        }, ct) ?? throw new PermanentFailureException($"Call {call.CallSid} is gone.");
        _unwritten.Clear();
        FirstUnwritten = null;
    }
}
