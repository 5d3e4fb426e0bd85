using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using CallCenter.Core.Storage;

namespace CallCenter.Core.Calls;

/// <summary>Recordings in Blob storage; every access is scoped to one tenant's folder.</summary>
public sealed class RecordingStore(CallCenterTables tables)
{
    /// <summary>
    /// Stores the recording unless the blob already exists (If-None-Match: *), so a retried download never
    /// overwrites or duplicates it. Returns false when it was already there.
    /// </summary>
    public async Task<bool> UploadIfAbsentAsync(string tenantId, string path, Stream content, string contentType, CancellationToken ct = default)
    {
        var blob = Blob(tenantId, path) ?? throw new ArgumentException("The path is outside the tenant's folder.", nameof(path));
        try
        {
            await blob.UploadAsync(
                content,
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<bool> ExistsAsync(string tenantId, string path, CancellationToken ct = default) =>
        Blob(tenantId, path) is { } blob && (await blob.ExistsAsync(ct).ConfigureAwait(false)).Value;

    /// <summary>The recording's content, or null when it is missing or not the tenant's.</summary>
    public async Task<Stream?> OpenReadAsync(string tenantId, string path, CancellationToken ct = default)
    {
        if (Blob(tenantId, path) is not { } blob)
        {
            return null;
        }

        try
        {
            return await blob.OpenReadAsync(cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>Deletes the recording (retention); false when it was not there (already deleted, or not the tenant's).</summary>
    public async Task<bool> DeleteIfExistsAsync(string tenantId, string path, CancellationToken ct = default) =>
        Blob(tenantId, path) is { } blob && (await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct).ConfigureAwait(false)).Value;

    /// <summary>Longest life of a recording link.</summary>
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A read-only link to one recording: a user-delegation SAS under a managed identity (Azure, where shared
    /// keys are off), an account-key SAS where the client holds the key (Azurite). Null when the blob is not
    /// the tenant's or does not exist.
    /// </summary>
    public async Task<Uri?> GetReadLinkAsync(string tenantId, string path, TimeSpan lifetime, DateTimeOffset now, CancellationToken ct = default)
    {
        if (Blob(tenantId, path) is not { } blob || !(await blob.ExistsAsync(ct)).Value)
        {
            return null;
        }

        var expires = now.Add(lifetime < MaxLinkLifetime ? lifetime : MaxLinkLifetime);
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expires)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            // Tolerates clock skew between us and the storage service.
            StartsOn = now.AddMinutes(-5),
        };
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        var service = tables.Recordings.GetParentBlobServiceClient();
        var key = await service.GetUserDelegationKeyAsync(sas.StartsOn, expires, ct);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, service.AccountName) }.ToUri();
    }

    /// <summary>The blob client for a tenant's path; null for a path outside the tenant's folder.</summary>
    public BlobClient? Blob(string tenantId, string path) =>
        RecordingPaths.BelongsTo(path, tenantId) ? tables.Recordings.GetBlobClient(path) : null;
}
