namespace CallCenter.Core.Storage;

/// <summary>
/// Where the product keeps its tables and blobs: a connection string (Azurite, local runs) or the service
/// URIs reached with the app's managed identity (Azure, where shared keys are disabled).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }
    public Uri? BlobServiceUri { get; set; }
    public Uri? TableServiceUri { get; set; }

    /// <summary>Managed identity client id when the app has a user-assigned identity.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public string RecordingsContainer { get; set; } = "recordings";

    /// <summary>Prefixed to every table name, so that environments (or test runs) can share one account.</summary>
    public string TablePrefix { get; set; } = "";
}
