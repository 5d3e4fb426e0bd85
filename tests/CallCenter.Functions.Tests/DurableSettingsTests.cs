using CallCenter.Local.Host;
using Microsoft.Extensions.Configuration;

namespace CallCenter.Functions.Tests;

/// <summary>
/// The Functions app's Durable settings (host.json) and the local engine's defaults (<see cref="LocalDurableEngineOptions"/>)
/// where they correspond, so a measurement of the local host says how the Functions app runs the workflows.
/// </summary>
public sealed class DurableSettingsTests
{
    private static readonly IConfigurationSection DurableTask = FunctionsFixture.HostJson.GetSection("extensions:durableTask");
    private static readonly LocalDurableEngineOptions Local = new();

    [Fact]
    public void Host_json_runs_as_many_activities_at_once_as_the_local_engine()
    {
        Assert.Equal(Local.MaxConcurrentActivityWorkItems, DurableTask.GetValue<int?>("maxConcurrentActivityFunctions"));

        // Above the engine's own 10: the call workflow's activity waits on remote services for most of its run.
        Assert.True(Local.MaxConcurrentActivityWorkItems > 10);
    }

    [Fact]
    public void Host_json_runs_as_many_orchestrations_at_once_as_the_local_engine()
    {
        Assert.Equal(Local.MaxConcurrentOrchestrationWorkItems, DurableTask.GetValue<int?>("maxConcurrentOrchestratorFunctions"));
    }

    [Fact]
    public void Host_json_has_as_many_partitions_as_the_local_engine()
    {
        Assert.Equal(Local.PartitionCount, DurableTask.GetValue<int?>("storageProvider:partitionCount"));
    }
}
