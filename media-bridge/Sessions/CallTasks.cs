using System.Net.WebSockets;
using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The work a call runs beside its relay (the OpenAI loop, tools, the hangup), counted in the metrics so that
/// nothing is seen to outlive its call. A task's end by cancellation or a dropped socket is the call ending;
/// any other failure is logged, never thrown.
/// </summary>
internal sealed class CallTasks(string callSid, BridgeMetrics metrics, ILogger logger)
{
    private readonly List<Task> _tasks = [];

    public Task Run(Func<Task> work)
    {
        metrics.TaskStarted();
        var task = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
            catch (Exception e)
            {
                BridgeTrace.SessionFailed(logger, callSid, e);
            }
            finally
            {
                metrics.TaskEnded();
            }
        });
        lock (_tasks)
        {
            _tasks.Add(task);
        }

        return task;
    }

    /// <summary>Completes when no task is left, including those started meanwhile (a tool's reply, the hangup).</summary>
    public async Task WhenAllAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_tasks)
            {
                _tasks.RemoveAll(t => t.IsCompleted);
                pending = [.. _tasks];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }
}
