using CallCenter.Core.Storage;
using Microsoft.Extensions.Hosting;

namespace CallCenter.Functions;

/// <summary>Creates the product's tables and container once when the worker starts.</summary>
internal sealed class StorageBootstrap(CallCenterTables tables) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => tables.CreateIfNotExistsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
