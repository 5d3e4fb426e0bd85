namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>Ends a live call; the bridge is the only component that does.</summary>
public interface ICallControl
{
    Task HangUpAsync(string callSid, CancellationToken ct = default);
}
