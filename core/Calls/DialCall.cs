using Microsoft.DurableTask;

namespace CallCenter.Core.Calls;

/// <summary>The outbound workflow's one step: places the call and returns its CallSid.</summary>
public sealed class DialCall(CallDialer dialer) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => dialer.DialAsync(input, context.InstanceId);
}
