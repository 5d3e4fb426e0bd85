using Azure.Data.Tables;
using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Tests;

/// <summary>
/// <see cref="DurableStart.StartOnceAsync"/>, the one start of every workflow in both hosts, on the Durable Task
/// engine on Azurite: an instance id is started at most once, whatever state its instance is in.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class DurableStartTests(FunctionsFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_engine_alone_replaces_a_finished_instance_but_a_start_once_does_not()
    {
        var message = new WhatsAppMessageRef("gone" + FunctionsFixture.Unique(), "conv", "row", WhatsAppProvider.Meta, "15557654321");
        var instanceId = "rule-" + FunctionsFixture.Unique();
        await fixture.Durable.ScheduleNewOrchestrationInstanceAsync(WhatsAppWorkflowNames.Orchestration, new WhatsAppReplyInput(message), new StartOrchestrationOptions(instanceId));
        var first = await WaitForCompletionAsync(instanceId);

        Assert.False(await fixture.Durable.StartOnceAsync(WhatsAppWorkflowNames.Orchestration, instanceId, new WhatsAppReplyInput(message)));
        Assert.Equal(first.CreatedAt, (await fixture.Durable.GetInstanceAsync(instanceId))!.CreatedAt);

        // Without the rule, the same start runs the workflow again.
        await fixture.Durable.ScheduleNewOrchestrationInstanceAsync(WhatsAppWorkflowNames.Orchestration, new WhatsAppReplyInput(message), new StartOrchestrationOptions(instanceId));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var again = await WaitForCompletionAsync(instanceId);
        Assert.NotEqual(first.CreatedAt, again.CreatedAt);
    }

    [Fact]
    public async Task A_start_once_of_a_running_instance_leaves_it_running_with_its_first_input()
    {
        // The call workflow waits for the call's end first, so it stays running while the test starts it again.
        var (instanceId, input) = NewCall();
        Assert.True(await fixture.Durable.StartOnceAsync(CallWorkflowNames.Orchestration, instanceId, input));
        var running = await WaitForStartAsync(instanceId);

        var again = await fixture.Durable.StartOnceAsync(CallWorkflowNames.Orchestration, instanceId, input with { TenantId = "other" });
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.False(again);
        var after = await fixture.Durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Running, after!.RuntimeStatus);
        Assert.Equal(running.CreatedAt, after.CreatedAt);
        Assert.Equal(input, after.ReadInputAs<CallWorkflowInput>());
        await fixture.Durable.TerminateInstanceAsync(instanceId);
    }

    [Fact]
    public async Task Concurrent_starts_of_one_instance_id_run_one_execution_with_the_input_of_a_start_that_reported_it()
    {
        var (instanceId, input) = NewCall();
        var inputs = Enumerable.Range(0, 6).Select(i => input with { TenantId = $"tenant-{i}" }).ToList();

        var started = await Task.WhenAll(inputs.Select(i => Task.Run(() => fixture.Durable.StartOnceAsync(CallWorkflowNames.Orchestration, instanceId, i))));
        await WaitForStartAsync(instanceId);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var history = await HistoryAsync(instanceId);
        Assert.Single(history, e => e.EventType == "ExecutionStarted");
        Assert.Single(history.Select(e => e.ExecutionId).Distinct());
        var instance = await fixture.Durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance!.RuntimeStatus);
        Assert.Contains(instance.ReadInputAs<CallWorkflowInput>(), inputs.Where((_, i) => started[i]));
        await fixture.Durable.TerminateInstanceAsync(instanceId);
    }

    private async Task<List<(string EventType, string? ExecutionId)>> HistoryAsync(string instanceId)
    {
        var table = new TableClient(fixture.StorageConnectionString, fixture.TaskHub + "History");
        var events = new List<(string, string?)>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId))
        {
            events.Add((e.GetString("EventType"), e.GetString("ExecutionId")));
        }

        return events;
    }

    private static (string InstanceId, CallWorkflowInput Input) NewCall()
    {
        var callSid = "CA" + Guid.NewGuid().ToString("N");
        return (CallWorkflowNames.InstanceId(callSid), new CallWorkflowInput("start-" + FunctionsFixture.Unique(), callSid, new CallWorkflowTimings { CallEndTimeout = TimeSpan.FromMinutes(5) }));
    }

    private async Task<OrchestrationMetadata> WaitForStartAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await fixture.Durable.WaitForInstanceStartAsync(instanceId, cancellation: timeout.Token);
    }

    private async Task<OrchestrationMetadata> WaitForCompletionAsync(string instanceId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await fixture.Durable.WaitForInstanceCompletionAsync(instanceId, cancellation: timeout.Token);
    }
}
