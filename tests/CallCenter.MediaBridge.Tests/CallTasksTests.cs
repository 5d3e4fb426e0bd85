using System.Net.WebSockets;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.MediaBridge.Sessions;
using CallCenter.Testing;
using Microsoft.Extensions.Logging;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The work a call runs beside its relay: awaited to the last task, counted, failures logged not thrown.</summary>
public sealed class CallTasksTests
{
    private readonly BridgeMetrics _metrics = new();
    private readonly CapturingLoggerProvider _log = new();

    private CallTasks NewTasks() => new("CA1", _metrics, _log.CreateLogger("bridge"));

    [Fact]
    public async Task A_task_started_by_a_task_is_awaited_too()
    {
        var tasks = NewTasks();
        var release = new TaskCompletionSource();
        var innerDone = false;
        _ = tasks.Run(() =>
        {
            _ = tasks.Run(async () =>
            {
                await release.Task;
                innerDone = true;
            });
            return Task.CompletedTask;
        });

        var all = tasks.WhenAllAsync();
        await Task.Delay(50);
        Assert.False(all.IsCompleted);
        release.SetResult();
        await all.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(innerDone);
        Assert.Equal(0, _metrics.Snapshot().BackgroundTasks);
    }

    [Fact]
    public async Task A_failing_task_is_logged_once_and_a_dropped_socket_is_not()
    {
        var tasks = NewTasks();
        _ = tasks.Run(() => throw new InvalidOperationException("boom"));
        _ = tasks.Run(() => throw new WebSocketException());
        _ = tasks.Run(() => throw new OperationCanceledException());

        await tasks.WhenAllAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var line = Assert.Single(_log.Lines, l => l.Level >= LogLevel.Warning);
        Assert.Contains("CA1", line.Message, StringComparison.Ordinal);
        Assert.Equal(0, _metrics.Snapshot().BackgroundTasks);
    }

    [Fact]
    public async Task A_running_task_is_counted_until_it_ends()
    {
        var tasks = NewTasks();
        var release = new TaskCompletionSource();
        _ = tasks.Run(() => release.Task);

        Assert.Equal(1, _metrics.Snapshot().BackgroundTasks);
        release.SetResult();
        await tasks.WhenAllAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, _metrics.Snapshot().BackgroundTasks);
    }
}
