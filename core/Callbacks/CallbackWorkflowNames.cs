namespace CallCenter.Core.Callbacks;

/// <summary>The callback orchestration's names and its one instance id per callback.</summary>
public static class CallbackWorkflowNames
{
    public const string Orchestration = "Callback";

    /// <summary>Raised by a cancel so the orchestration ends at once instead of at its timer (which would find the callback cancelled anyway).</summary>
    public const string CancelledEvent = "CallbackCancelled";

    /// <summary>Derived from the callback id, so every start of one callback names the same instance.</summary>
    public static string InstanceId(string callbackId) => "callback-" + callbackId;

    /// <summary>The Idempotency-Key of the outbound request a callback places: a replayed decision plans the same call.</summary>
    public static string IdempotencyKey(string callbackId) => "callback:" + callbackId;
}
