using Microsoft.DurableTask;

namespace CallCenter.Core.Callbacks;

/// <summary>The callback orchestration's last step: the placed call's CallSid (or the dial's failure) onto the callback.</summary>
public sealed class RecordCallbackCall(CallbackDialer dialer) : TaskActivity<CallbackCall, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, CallbackCall input)
    {
        await dialer.RecordCallAsync(input);
        return true;
    }
}
