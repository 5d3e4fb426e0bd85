using Microsoft.Extensions.Options;

namespace CallCenter.Core.Storage;

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
