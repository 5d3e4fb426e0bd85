using CallCenter.Core.Backup;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace CallCenter.Functions.Backup;

/// <summary>
/// The daily table export: at 02:00 UTC every tenant's rows changed up to midnight go to the backup container.
/// A missed day is caught up by the next run (the export resumes from where the last one ended).
/// </summary>
public sealed partial class TableExportFunction(TableBackup backup, ILogger<TableExportFunction> logger)
{
    [Function("ExportTables")]
    public async Task RunAsync([TimerTrigger("0 0 2 * * *")] TimerInfo timer, CancellationToken ct)
    {
        var result = await backup.ExportDueAsync(ct).ConfigureAwait(false);
        Exported(logger, result.From, result.To, result.Written.Count, result.AlreadyThere.Count, result.Rows);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Table export {From:O} to {To:O}: {Written} blobs written, {AlreadyThere} already there, {Rows} rows")]
    private static partial void Exported(ILogger logger, DateTimeOffset from, DateTimeOffset to, int written, int alreadyThere, int rows);
}
