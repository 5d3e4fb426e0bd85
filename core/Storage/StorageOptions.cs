using Microsoft.Extensions.Options;

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

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        var hasConnection = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasUris = options.BlobServiceUri is not null && options.TableServiceUri is not null;
        if (hasConnection == hasUris)
        {
            failures.Add("Storage: set either ConnectionString or both BlobServiceUri and TableServiceUri.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(options.TablePrefix, @"^([A-Za-z][A-Za-z0-9]{0,20})?\z"))
        {
            failures.Add("Storage:TablePrefix must be letters and digits, starting with a letter (at most 21).");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(options.RecordingsContainer, @"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]\z"))
        {
            failures.Add("Storage:RecordingsContainer is not a valid container name.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
