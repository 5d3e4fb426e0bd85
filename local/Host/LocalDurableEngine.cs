using System.ComponentModel.DataAnnotations;
using CallCenter.Core.Workflow;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;

namespace CallCenter.Local.Host;

/// <summary>
/// The real Durable Task engine for local runs: the Azure Storage backend on Azurite, served to the worker
/// and client through the in-process gRPC sidecar, so the same orchestration code runs with durable state.
/// </summary>
public static class LocalDurableEngine
{
    /// <summary>
    /// Wires the backend (task hub created before start), the sidecar on a loopback HTTP/2 port, and a
    /// worker and client over it. <paramref name="tasks"/> registers the orchestrations and activities.
    /// </summary>
    public static async Task AddLocalDurableEngineAsync(
        this WebApplicationBuilder builder, string connectionString, string taskHub, int grpcPort, Action<DurableTaskRegistry> tasks)
    {
        // Needed before the container is built, so bound and validated here rather than through IOptions.
        var engine = builder.Configuration.GetSection(LocalDurableEngineOptions.Section).Get<LocalDurableEngineOptions>() ?? new();
        Validator.ValidateObject(engine, new ValidationContext(engine), validateAllProperties: true);
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = taskHub,
            PartitionCount = engine.PartitionCount,
            MaxQueuePollingInterval = engine.MaxQueuePollingInterval,
            ControlQueueBatchSize = engine.ControlQueueBatchSize,
            MaxConcurrentTaskActivityWorkItems = engine.MaxConcurrentActivityWorkItems,
            MaxConcurrentTaskOrchestrationWorkItems = engine.MaxConcurrentOrchestrationWorkItems,
            // What a killed host held comes back after this long (live work renews its hold meanwhile).
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(30),
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(30),
            // A fresh worker id per process: a restarted host takes its partitions back without waiting.
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}",
        });
        // The sidecar does not await hub creation, so create it before anything is scheduled.
        await service.CreateIfNotExistsAsync();

        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(grpcPort, o => o.Protocols = HttpProtocols.Http2));

        var address = $"http://localhost:{grpcPort}";
        builder.Services.AddDurableTaskWorker(w =>
        {
            w.AddTasks(r =>
            {
                r.AddOrchestratorFunc(ReadyProbe, _ => Task.FromResult(true));
                tasks(r);
            });
            w.UseGrpc(GrpcChannel.ForAddress(address));

            // The sidecar hands out at most the backend's counts; the worker takes as many (its default scales with the cores seen).
            w.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = engine.MaxConcurrentActivityWorkItems;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = engine.MaxConcurrentOrchestrationWorkItems;
            });
        });
        builder.Services.AddDurableTaskClient(c => c.UseGrpc(GrpcChannel.ForAddress(address)));
    }

    /// <summary>Registers each workflow's orchestration and, from its list, its activity classes.</summary>
    public static DurableTaskRegistry AddWorkflows(this DurableTaskRegistry registry, IEnumerable<DurableWorkflow> workflows)
    {
        foreach (var workflow in workflows)
        {
            workflow.AddTo(registry);
        }

        return registry;
    }

    public static void MapLocalDurableEngine(this WebApplication app, int grpcPort) =>
        app.MapGrpcService<TaskHubGrpcServer>().RequireHost($"*:{grpcPort}");

    /// <summary>
    /// Returns once the worker is connected and the backend runs, by running one trivial orchestration. The
    /// sidecar starts the backend only when the worker connects, and stopping a backend that never started fails.
    /// </summary>
    public static async Task WaitUntilReadyAsync(this WebApplication app, CancellationToken ct)
    {
        var client = app.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(ReadyProbe, ct);
        await client.WaitForInstanceCompletionAsync(id, ct);
        await client.PurgeInstanceAsync(id, ct);
    }

    private const string ReadyProbe = "LocalHostReadyProbe";
}
