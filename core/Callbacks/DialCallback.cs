using CallCenter.Core.Calls;
using Microsoft.DurableTask;

namespace CallCenter.Core.Callbacks;

/// <summary>The callback orchestration's dial: the outbound request it planned, placed by the one dialer; returns the CallSid.</summary>
public sealed class DialCallback(CallDialer dialer) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => dialer.DialAsync(input, context.InstanceId);
}
