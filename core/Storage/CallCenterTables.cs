using System.Diagnostics.CodeAnalysis;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Storage;

/// <summary>
/// The product's tables. Every tenant-owned row has the tenant id as its partition key; the two global
/// indexes (<see cref="CallIndex"/> by CallSid, <see cref="PhoneRoutes"/> by number) hold only a tenant id.
/// </summary>
public sealed class CallCenterTables
{
    // The table client makes every TableEntity it reads with Activator.CreateInstance<T>(): the media bridge's Native
    // AOT build keeps that constructor only when told (without it every read throws MissingMethodException).
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    public CallCenterTables(TableServiceClient tables, BlobServiceClient blobs, IOptions<StorageOptions> options)
    {
        var prefix = options.Value.TablePrefix;
        Tenants = tables.GetTableClient(prefix + "Tenants");
        PhoneRoutes = tables.GetTableClient(prefix + "PhoneRoutes");
        Leads = tables.GetTableClient(prefix + "Leads");
        Calls = tables.GetTableClient(prefix + "Calls");
        CallIndex = tables.GetTableClient(prefix + "CallIndex");
        Turns = tables.GetTableClient(prefix + "Turns");
        ApiKeys = tables.GetTableClient(prefix + "ApiKeys");
        Prompts = tables.GetTableClient(prefix + "Prompts");
        WhatsApp = tables.GetTableClient(prefix + "WhatsApp");
        CallStats = tables.GetTableClient(prefix + "CallStats");
        Callbacks = tables.GetTableClient(prefix + "Callbacks");
        Recordings = blobs.GetBlobContainerClient(options.Value.RecordingsContainer);
        Webhooks = tables.GetTableClient(prefix + "Webhooks");
    }

    public TableClient Tenants { get; }
    public TableClient PhoneRoutes { get; }
    public TableClient Leads { get; }
    public TableClient Calls { get; }
    public TableClient CallIndex { get; }
    public TableClient Turns { get; }
    public TableClient ApiKeys { get; }
    public TableClient Prompts { get; }
    public TableClient WhatsApp { get; }
    public BlobContainerClient Recordings { get; }
    public TableClient Webhooks { get; }
    public TableClient CallStats { get; }

    /// <summary>Scheduled callbacks, in their tenant's partition.</summary>
    public TableClient Callbacks { get; }

    /// <summary>Creates what is missing; cheap to repeat, so each host calls it once at start-up.</summary>
    public async Task CreateIfNotExistsAsync(CancellationToken ct = default)
    {
        TableClient[] all = [Tenants, PhoneRoutes, Leads, Calls, CallIndex, Turns, ApiKeys, Prompts, WhatsApp, Webhooks, CallStats, Callbacks];
        await Task.WhenAll(all.Select(t => t.CreateIfNotExistsAsync(ct))).ConfigureAwait(false);
        await Recordings.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
    }
}
