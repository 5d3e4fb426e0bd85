using CallCenter.Local.Host;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// <c>serve-engine</c>: the local host's Durable engine (LocalDurableEngine: the Azure Storage backend on Azurite
/// behind the in-process gRPC sidecar, with the same <c>DurableEngine</c> options) and nothing else, running the
/// bare orchestration. Started by the bench in its own pinned process, like the local host. It reads commands on
/// stdin: <c>run TAG COUNT CONCURRENCY</c> starts COUNT orchestrations and raises their events through its own
/// client, as the webhooks would, then prints <c>driven TAG</c>.
/// </summary>
internal static class BareEngineHost
{
    public static async Task<int> RunAsync(string connectionString, string taskHub, string shape)
    {
        var steps = WorkflowShape.Parse(shape);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var grpcPort = CallCenter.DevServices.AzuriteServer.FreePort();
        await builder.AddLocalDurableEngineAsync(connectionString, taskHub, grpcPort, r => WorkflowShape.Register(r, steps));
        await using var app = builder.Build();
        app.MapLocalDurableEngine(grpcPort);
        await app.StartAsync();
        await app.WaitUntilReadyAsync(CancellationToken.None);
        Console.WriteLine("ready");

        var client = app.Services.GetRequiredService<DurableTaskClient>();
        var events = WorkflowShape.Events(steps).ToList();
        while (await Task.Run(Console.ReadLine) is { } line)
        {
            if (line.Split(' ') is not ["run", var tagText, var countText, var concurrencyText])
            {
                continue;
            }

            var tag = uint.Parse(tagText, System.Globalization.CultureInfo.InvariantCulture);
            await Parallel.ForEachAsync(
                Enumerable.Range(0, int.Parse(countText, System.Globalization.CultureInfo.InvariantCulture)),
                new ParallelOptions { MaxDegreeOfParallelism = int.Parse(concurrencyText, System.Globalization.CultureInfo.InvariantCulture) },
                async (i, ct) =>
                {
                    var callSid = CallSids.Make(tag, i);
                    var id = CallSids.InstanceId(callSid);
                    await client.ScheduleNewOrchestrationInstanceAsync(
                        WorkflowShape.Orchestration, new BareCallInput("bench", callSid, steps), new StartOrchestrationOptions(id), ct);
                    foreach (var name in events)
                    {
                        await client.RaiseEventAsync(id, name, new { Status = "completed", DurationSeconds = 3 }, ct);
                    }
                });
            Console.WriteLine($"driven {tag}");
        }

        await app.StopAsync();
        return 0;
    }
}
