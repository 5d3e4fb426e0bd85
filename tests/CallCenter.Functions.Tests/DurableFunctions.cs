using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallCenter.Functions.Tests;

/// <summary>
/// The Functions app's own orchestrator and activity <c>[Function]</c> methods, registered with a Durable Task
/// worker the way the Functions worker binds them: the orchestrator gets the context, an activity gets its
/// trigger input, and its class comes from the app's container for each invocation.
/// </summary>
public static class DurableFunctions
{
    public static IReadOnlyList<MethodInfo> Orchestrators { get; } = Functions(typeof(OrchestrationTriggerAttribute));

    public static IReadOnlyList<MethodInfo> Activities { get; } = Functions(typeof(ActivityTriggerAttribute));

    private static readonly System.Collections.Concurrent.ConcurrentQueue<(string InstanceId, string Function)> Runs = new();

    /// <summary>The functions that ran for an orchestration instance, each once however often it replayed or retried.</summary>
    public static IReadOnlySet<string> RanFor(string instanceId) =>
        Runs.Where(r => r.InstanceId == instanceId).Select(r => r.Function).ToHashSet();

    /// <summary>How often a function ran for an orchestration instance (replays of an orchestrator included).</summary>
    public static int RunsOf(string instanceId, string function) =>
        Runs.Count(r => r.InstanceId == instanceId && r.Function == function);

    public static string NameOf(MethodInfo method) => method.GetCustomAttribute<FunctionAttribute>()!.Name;

    // client: what a [DurableClient] binding hands a function.
    public static DurableTaskRegistry AddFunctionsApp(this DurableTaskRegistry registry, IServiceProvider app, Func<DurableTaskClient> client)
    {
        foreach (var method in Orchestrators)
        {
            registry.AddOrchestrator(NameOf(method), () => new Orchestrator(method, app.GetRequiredService<ILoggerFactory>()));
        }

        foreach (var method in Activities)
        {
            registry.AddActivity(NameOf(method), _ => new Activity(method, app, client));
        }

        return registry;
    }

    private static List<MethodInfo> Functions(Type trigger) =>
        [.. typeof(FunctionsApp).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null && m.GetParameters().Any(p => p.IsDefined(trigger)))];

    internal static Type ResultType(MethodInfo method) =>
        method.ReturnType.IsGenericType ? method.ReturnType.GetGenericArguments()[0] : typeof(object);

    /// <summary>Awaits what a function returned and unwraps its value, as the worker's executor does.</summary>
    internal static async Task<object?> AwaitAsync(object? returned)
    {
        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }

    internal static object? Invoke(MethodInfo method, object? target, object?[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private sealed class Orchestrator(MethodInfo method, ILoggerFactory logs) : ITaskOrchestrator
    {
        // The function reads its own input from the context, as it does on Functions.
        public Type InputType => typeof(System.Text.Json.JsonElement?);

        public Type OutputType => ResultType(method);

        public async Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
        {
            Runs.Enqueue((context.InstanceId, NameOf(method)));
            return await HostLog.InvokeAsync(logs, NameOf(method), durable: true, () =>
                AwaitAsync(Invoke(method, null, [new FunctionOrchestrationContext(context, (System.Text.Json.JsonElement?)input)])));
        }
    }

    private sealed class Activity(MethodInfo method, IServiceProvider app, Func<DurableTaskClient> client) : ITaskActivity
    {
        private readonly ParameterInfo[] _parameters = method.GetParameters();

        public Type InputType => _parameters.Single(p => p.IsDefined(typeof(ActivityTriggerAttribute))).ParameterType;

        public Type OutputType => ResultType(method);

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            Runs.Enqueue((context.InstanceId, NameOf(method)));
            await using var scope = app.CreateAsyncScope();
            var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
            var arguments = _parameters
                .Select(p => p.IsDefined(typeof(ActivityTriggerAttribute)) ? input
                    : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
                    : p.ParameterType == typeof(FunctionContext) ? FunctionContextFor(scope.ServiceProvider, NameOf(method))
                    : p.ParameterType == typeof(string) && p.Name == "instanceId" ? context.InstanceId
                    : p.IsDefined(typeof(DurableClientAttribute)) ? client()
                    : throw new InvalidOperationException($"{NameOf(method)}: no binding for {p.Name}."))
                .ToArray();
            return await HostLog.InvokeAsync(app.GetRequiredService<ILoggerFactory>(), NameOf(method), durable: true, () => AwaitAsync(Invoke(method, target, arguments)));
        }

        // The worker's own FunctionContext is internal; the wrappers read only the invocation's services and the function's name.
        private static FunctionContext FunctionContextFor(IServiceProvider services, string function)
        {
            var definition = new Moq.Mock<FunctionDefinition>();
            definition.SetupGet(d => d.Name).Returns(function);
            var context = new Moq.Mock<FunctionContext>();
            context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
            context.SetupGet(c => c.InstanceServices).Returns(services);
            context.SetupGet(c => c.InvocationId).Returns(Guid.NewGuid().ToString());
            return context.Object;
        }
    }
}
