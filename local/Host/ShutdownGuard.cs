namespace CallCenter.Local.Host;

/// <summary>
/// What Ctrl+C (SIGINT, or SIGTERM) does to the run command: the first one cancels the work, and what was
/// started stops in order; past <see cref="Deadline"/>, or at a second Ctrl+C, the process exits at once
/// (Azurite follows its parent out). Work cut short by the stop is not an error and prints no stack trace.
/// </summary>
public static class ShutdownGuard
{
    /// <summary>Under the 10 s a person waits before reaching for kill -9.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(8);

    private static int _signals;

    public static void Signalled(CancellationTokenSource stop)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Console.Error.WriteLine("Second stop signal: exiting now.");
            Environment.Exit(130);
        }

        Console.WriteLine("Stopping...");
        _ = Task.Run(stop.Cancel);
        _ = Task.Delay(Deadline).ContinueWith(
            _ =>
            {
                Console.Error.WriteLine($"Still stopping after {Deadline.TotalSeconds:0} s: exiting now.");
                Environment.Exit(1);
            },
            TaskScheduler.Default);
    }

    public static async Task<int> RunAsync(CancellationTokenSource stop, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (stop.IsCancellationRequested)
        {
            if (e is not OperationCanceledException)
            {
                // Something in flight noticed the stop its own way (a socket closed under it): say what, briefly.
                Console.WriteLine($"  ({e.GetType().Name} while stopping: {e.Message})");
            }

            return 0;
        }
        finally
        {
            if (stop.IsCancellationRequested)
            {
                Console.WriteLine("Stopped.");
            }
        }
    }
}
