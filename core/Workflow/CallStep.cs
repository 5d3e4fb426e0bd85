using CallCenter.Core.Faults;
using CallCenter.Core.Telemetry;
using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>
/// A step of the call workflow: runs inside a span of the call's trace named after the step's class, so every
/// step is traced the same way in both hosts without each one saying so.
/// </summary>
public abstract class CallStep<TInput, TOutput> : TaskActivity<TInput, TOutput>
    where TInput : ICallStepInput
{
    public sealed override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        using var span = CallTelemetry.StartStep(GetType().Name, input.TenantId, input.CallSid);
        try
        {
            return await RunStepAsync(input);
        }
        catch (Exception e) when (Failures.IsRefusedByStorage(e))
        {
            // Retried, the same request is refused again: the workflow's retry handler ends the step on this type.
            throw new PermanentFailureException($"Azure Storage refused a request of {GetType().Name}: {e.Message}", e);
        }
    }

    protected abstract Task<TOutput> RunStepAsync(TInput input);
}
