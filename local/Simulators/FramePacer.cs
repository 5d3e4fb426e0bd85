namespace CallCenter.Simulators;

/// <summary>
/// One 20 ms clock shared by many simulated streams, so a thousand calls cost one timer rather than a
/// thousand: each stream awaits <see cref="NextTickAsync"/> before sending its next frame.
/// </summary>
public sealed class FramePacer : IAsyncDisposable
{
    private readonly PeriodicTimer _timer = new(TimeSpan.FromMilliseconds(20));
    private readonly Task _loop;
    private TaskCompletionSource _tick = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FramePacer() => _loop = Task.Run(RunAsync);

    public Task NextTickAsync() => Volatile.Read(ref _tick).Task;

    private async Task RunAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            Interlocked.Exchange(ref _tick, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        _tick.TrySetCanceled();
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
    }
}
