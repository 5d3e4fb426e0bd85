using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallCenter.Core.Workflow;

/// <summary>
/// A workflow as both hosts run it, declared once: its orchestration (a function over plain workflow code) and
/// its activity classes, each named after its class. The local engine registers it from here; the Functions
/// app has a <c>[Function]</c> wrapper for each, held equal to this by a test.
/// </summary>
public sealed class DurableWorkflow
{
    private readonly Action<DurableTaskRegistry> _addOrchestrator;

    private DurableWorkflow(string name, Type input, Type output, IReadOnlyList<Type> activities, Action<DurableTaskRegistry> addOrchestrator)
    {
        Name = name;
        Input = input;
        Output = output;
        Activities = activities;
        _addOrchestrator = addOrchestrator;
    }

    public string Name { get; }

    public Type Input { get; }

    public Type Output { get; }

    /// <summary>The activity classes, each a <see cref="TaskActivity{TInput, TOutput}"/> named after its class.</summary>
    public IReadOnlyList<Type> Activities { get; }

    public static DurableWorkflow Of<TInput, TOutput>(
        string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> orchestrator, params Type[] activities) =>
        new(name, typeof(TInput), typeof(TOutput), activities, r => r.AddOrchestratorFunc(name, orchestrator));

    /// <summary>The name an activity class runs under: the class's own.</summary>
    public static string ActivityName(Type activity) => activity.Name;

    /// <summary>
    /// Registers the activity classes with the container, so it checks at build that each one's services resolve;
    /// each invocation gets a fresh instance, as it would from the engine.
    /// </summary>
    public IServiceCollection AddActivities(IServiceCollection services)
    {
        foreach (var activity in Activities)
        {
            services.TryAddTransient(activity);
        }

        return services;
    }

    /// <summary>Registers the orchestration and every activity with a Durable Task worker.</summary>
    public DurableTaskRegistry AddTo(DurableTaskRegistry registry)
    {
        _addOrchestrator(registry);
        foreach (var activity in Activities)
        {
            registry.AddActivity(ActivityName(activity), activity);
        }

        return registry;
    }
}
