using CallCenter.Core.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CallCenter.Local.Host;

/// <summary>The local host's open-call sweep timer: the Functions app's <c>SweepOpenCalls</c>, every <see cref="CallWorkflowOptions.SweepPeriod"/>.</summary>
public sealed partial class OpenCallSweepService(
    OpenCallSweeper sweeper, DurableTaskClient client, IOptions<CallWorkflowOptions> options, TimeProvider time, ILogger<OpenCallSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sweeper.SweepAsync(client, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick finds the same rows.
                SweepFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Open-call sweep failed; the next one retries")]
    private static partial void SweepFailed(ILogger logger, Exception exception);
}
