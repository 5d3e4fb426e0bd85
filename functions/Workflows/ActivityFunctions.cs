using CallCenter.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Functions.Workflows;

/// <summary>
/// What each activity's <c>[Function]</c> wrapper does, as the Durable Task source generator writes it: the
/// activity class from the invocation's services, run with the instance id from the trigger's binding data.
/// </summary>
internal static class ActivityFunctions
{
    public static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(this FunctionContext function, TInput input, string instanceId, Action<TActivity>? bind = null)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        // Wrappers of one signature could swap their classes unseen by the compiler; the run of each wrapper catches it.
        var name = DurableWorkflow.ActivityName(typeof(TActivity));
        if (function.FunctionDefinition.Name != name)
        {
            throw new InvalidOperationException($"Function {function.FunctionDefinition.Name} runs the activity {name}; a wrapper runs the activity it is named after.");
        }

        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(function.InstanceServices);
        // What only a binding hands the function (a Durable client), for an activity that needs it.
        bind?.Invoke(activity);
        return activity.RunAsync(new FunctionActivityContext(name, instanceId), input);
    }
}
