using Microsoft.Extensions.Logging;

namespace CallCenter.Functions.Tests;

/// <summary>
/// The lines the Functions host itself writes around each invocation (category <c>Function.{name}</c>) and the
/// Durable extension's per-function events (<c>Host.Triggers.DurableTask</c>), at the levels they use, so that
/// host.json's filters decide about them as they do in Azure.
/// </summary>
internal static partial class HostLog
{
    public const string DurableCategory = "Host.Triggers.DurableTask";

    public static async Task<T> InvokeAsync<T>(ILoggerFactory logs, string function, bool durable, Func<Task<T>> run)
    {
        var host = logs.CreateLogger("Function." + function);
        var extension = logs.CreateLogger(DurableCategory);
        Executing(host, function);
        if (durable)
        {
            Started(extension, function);
        }

        var result = await run();
        Executed(host, function);
        if (durable)
        {
            Completed(extension, function);
        }

        return result;
    }

    [LoggerMessage(1, LogLevel.Information, "Executing 'Functions.{Function}'")]
    private static partial void Executing(ILogger logger, string function);

    [LoggerMessage(2, LogLevel.Information, "Executed 'Functions.{Function}' (Succeeded)")]
    private static partial void Executed(ILogger logger, string function);

    [LoggerMessage(3, LogLevel.Information, "{Function}: Function started.")]
    private static partial void Started(ILogger logger, string function);

    [LoggerMessage(4, LogLevel.Information, "{Function}: Function completed.")]
    private static partial void Completed(ILogger logger, string function);
}
