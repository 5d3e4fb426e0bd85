using System.ComponentModel.DataAnnotations;

namespace CallCenter.Core.Backup;

/// <summary>Where the daily table exports go (the <c>Backup</c> section).</summary>
public sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>Blob container of the exports; infra creates it beside the recordings, under blob soft delete.</summary>
    [Required, RegularExpression(@"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]\z")]
    public string Container { get; set; } = "backups";
}
