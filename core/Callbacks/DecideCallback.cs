using Microsoft.DurableTask;

namespace CallCenter.Core.Callbacks;

/// <summary>The callback orchestration's step at its time: cancelled, skipped, or dialed with the outbound request to place.</summary>
public sealed class DecideCallback(CallbackDialer dialer) : TaskActivity<CallbackRef, CallbackDecision>
{
    public override Task<CallbackDecision> RunAsync(TaskActivityContext context, CallbackRef input) => dialer.DecideAsync(input);
}
