using CallCenter.MediaBridge.Infrastructure;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// Ends the call at Twilio, as <see cref="HangupPolicy"/> decides (once per call): bounded in time, counted
/// when it succeeds, logged when it fails. A failed hangup leaves Twilio's own limits to end the call.
/// </summary>
internal sealed class CallHangup(ICallControl control, BridgeMetrics metrics, ILogger logger, string callSid)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task HangUpAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await control.HangUpAsync(callSid, timeout.Token).ConfigureAwait(false);
            metrics.HungUp();
        }
        catch (Exception e)
        {
            BridgeTrace.HangupFailed(logger, callSid, e);
        }
    }
}
