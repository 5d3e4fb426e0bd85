using System.Reflection;
using CallCenter.Core.Workflow;
using CallCenter.Web;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CallCenter.Functions.Tests;

/// <summary>
/// The workflows are declared once (<see cref="CallCenterWorkflows.All"/>, which the local engine registers); the
/// Functions app's <c>[Function]</c> wrappers, which its generator needs, are held equal to that list.
/// </summary>
public sealed class WorkflowDeclarationTests
{
    [Fact]
    public void Each_activity_class_has_one_Functions_wrapper_of_its_name_input_and_output()
    {
        var declared = CallCenterWorkflows.All.SelectMany(w => w.Activities)
            .Select(a => Describe(DurableWorkflow.ActivityName(a), ActivityTypes(a)));
        var wrappers = DurableFunctions.Activities.Select(m => Describe(
            DurableFunctions.NameOf(m),
            (m.GetParameters().Single(p => p.IsDefined(typeof(ActivityTriggerAttribute))).ParameterType, DurableFunctions.ResultType(m))));

        Assert.Equal(declared.Order(), wrappers.Order());
    }

    [Fact]
    public void Each_orchestration_has_one_Functions_wrapper_of_its_name_and_output()
    {
        var declared = CallCenterWorkflows.All.Select(w => Describe(w.Name, (typeof(TaskOrchestrationContext), w.Output)));
        var wrappers = DurableFunctions.Orchestrators.Select(m => Describe(
            DurableFunctions.NameOf(m),
            (m.GetParameters().Single(p => p.IsDefined(typeof(OrchestrationTriggerAttribute))).ParameterType, DurableFunctions.ResultType(m))));

        Assert.Equal(declared.Order(), wrappers.Order());
    }

    [Fact]
    public void Activity_wrappers_take_the_binding_data_the_Functions_host_supplies()
    {
        foreach (var wrapper in DurableFunctions.Activities)
        {
            // A Durable client comes only through its binding, for an activity that starts workflows.
            var others = wrapper.GetParameters()
                .Where(p => !p.IsDefined(typeof(ActivityTriggerAttribute)) && !(p.IsDefined(typeof(DurableClientAttribute)) && p.ParameterType == typeof(Microsoft.DurableTask.Client.DurableTaskClient)))
                .Select(p => (p.ParameterType, p.Name));
            Assert.Equal([(typeof(string), "instanceId"), (typeof(FunctionContext), "function")], others);
            Assert.True(wrapper.IsStatic, DurableFunctions.NameOf(wrapper));
        }
    }

    [Fact]
    public void Activities_are_TaskActivity_classes_named_after_themselves_and_used_by_one_workflow()
    {
        var all = CallCenterWorkflows.All.SelectMany(w => w.Activities).ToList();

        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(all, a => Assert.Equal(a.Name, DurableWorkflow.ActivityName(a)));
        Assert.All(all, a => Assert.True(a is { IsClass: true, IsAbstract: false } && ActivityTypes(a).Input is not null, a.Name));
    }

    private static (Type Input, Type Output) ActivityTypes(Type activity)
    {
        for (var type = activity.BaseType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TaskActivity<,>))
            {
                return (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            }
        }

        throw new InvalidOperationException($"{activity.Name} is no TaskActivity<TInput, TOutput>.");
    }

    private static string Describe(string name, (Type Input, Type Output) types) => $"{name}({types.Input.FullName}) -> {types.Output.FullName}";
}
