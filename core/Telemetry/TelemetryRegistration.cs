using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CallCenter.Core.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>Set by infra on both apps; without it nothing is sent to Azure Monitor.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>Authorization=AAD;ClientId=…</c> when ingestion takes Entra ID senders only (infra sets it).</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Traces to the console as well (off by default; the local run's <c>--console-traces</c>).</summary>
    public const string ConsoleSetting = "Telemetry:Console";

    /// <summary>Our spans and the Durable Task SDK's (orchestration, activity and scheduling spans).</summary>
    public static IReadOnlyList<string> Sources { get; } = [CallTelemetry.SourceName, "Microsoft.DurableTask"];

    /// <summary>
    /// OpenTelemetry for a host: the product's spans and meters, exported to Application Insights when the
    /// connection string is set and to the console when <see cref="ConsoleSetting"/> is on.
    /// <paramref name="exportLogs"/> is off where the platform ships the logs already (the Functions host
    /// sends the worker's logs to Application Insights itself); <paramref name="configure"/> adds what only
    /// one host has.
    /// </summary>
    public static IOpenTelemetryBuilder AddCallCenterTelemetry(
        this IHostApplicationBuilder builder, string serviceName, bool exportLogs = true, Action<IOpenTelemetryBuilder>? configure = null)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration[ConnectionStringSetting];
        var azureMonitor = !string.IsNullOrWhiteSpace(connectionString);
        var credential = azureMonitor ? IngestionCredential(configuration[AuthenticationStringSetting]) : null;
        void Options(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = connectionString;
            o.Credential = credential;

            // Every call's trace or none of it: the sampler decides by trace id, which is the call's.
            o.SamplingRatio = 1F;
            o.TracesPerSecond = null;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t =>
            {
                t.AddSource([.. Sources]);
                if (azureMonitor)
                {
                    t.AddAzureMonitorTraceExporter(Options);
                }

                if (configuration.GetValue(ConsoleSetting, false))
                {
                    t.AddConsoleExporter();
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(CallTelemetry.MeterName);
                if (azureMonitor)
                {
                    m.AddAzureMonitorMetricExporter(Options);
                }
            });
        if (azureMonitor && exportLogs)
        {
            telemetry.WithLogging(l => l.AddAzureMonitorLogExporter(Options));
        }

        configure?.Invoke(telemetry);
        return telemetry;
    }

    /// <summary>Where a host's traces go, as its start-up line says it.</summary>
    public static string Destination(IConfiguration configuration)
    {
        List<string> to = [];
        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            to.Add($"Application Insights ({ConnectionStringSetting})");
        }

        if (configuration.GetValue(ConsoleSetting, false))
        {
            to.Add("the console");
        }

        return to.Count > 0
            ? string.Join(" and ", to)
            : $"nowhere (set {ConnectionStringSetting} for Application Insights, or pass --console-traces)";
    }

    /// <summary>The identity infra names for Entra ID ingestion, or null to send with the connection string alone.</summary>
    private static ManagedIdentityCredential? IngestionCredential(string? authentication)
    {
        var parts = (authentication ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !string.Equals(kind, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
