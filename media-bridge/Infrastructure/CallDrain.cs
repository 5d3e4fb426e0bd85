using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// Scale-in without cut calls. When the host stops (SIGTERM), new streams are refused at once (and
/// <c>/readyz</c> answers 503); the live calls go on until they end, and the host stops as soon as the last
/// one has. When the shutdown grace nears its end, the calls still live say a closing line and hang up.
/// The wait runs in <see cref="StoppingAsync"/>, which the host calls before it stops any service, so the
/// server still answers meanwhile; the token it gets ends at the host's shutdown timeout.
/// </summary>
internal sealed class CallDrain(
    LiveCalls calls, IHostApplicationLifetime lifetime, IOptions<MediaBridgeOptions> options, TimeProvider time, ILogger<CallDrain> logger)
    : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Before any service stops: from the first moment of the shutdown no new stream is taken.
        lifetime.ApplicationStopping.Register(calls.StartDraining);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        calls.StartDraining();
        if (calls.Count == 0)
        {
            return;
        }

        var o = options.Value;
        BridgeTrace.Draining(logger, calls.Count, (long)o.ShutdownTimeout.TotalSeconds);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        closing.CancelAfter(o.ClosingLinesAfter);
        try
        {
            await calls.WaitUntilEmptyAsync(time, closing.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            // The grace nears its end.
        }

        BridgeTrace.ClosingLiveCalls(logger, calls.Count);
        await calls.SayClosingLinesAsync().ConfigureAwait(false);
        try
        {
            await calls.WaitUntilEmptyAsync(time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The timeout is the host's: the server now stops and drops what is left.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
