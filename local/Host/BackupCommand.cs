using CallCenter.Core.Backup;

namespace CallCenter.Local.Host;

/// <summary>
/// <c>export</c> and <c>restore</c>: the daily timer's export on demand, and putting one tenant back from its
/// exports. They work on the storage the environment names (an Azure account reached with your sign-in, or a
/// connection string), else on the local Azurite's data (see <see cref="LocalStorageCommand"/>).
/// </summary>
public static class BackupCommand
{
    public static Task<int> RunAsync(LocalCommandLine line, IConfiguration environment, LocalHostSettings local, CancellationToken ct) =>
        LocalStorageCommand.RunAsync(
            environment,
            local,
            services => RunAsync(line, services.GetRequiredService<TableBackup>(), ct),
            ct,
            static (services, configuration) => services.AddCallCenterBackup(configuration));

    private static async Task<int> RunAsync(LocalCommandLine line, TableBackup backup, CancellationToken ct)
    {
        if (line.Command == "export")
        {
            var export = await backup.ExportDueAsync(ct);
            Console.WriteLine(export.Rows == 0 && export.Written.Count == 0
                ? $"Nothing to export: everything up to {export.To:u} is exported."
                : $"Exported rows changed from {export.From:u} to {export.To:u}: {export.Rows} rows, {export.Written.Count} blobs written, {export.AlreadyThere.Count} already there.");
            return 0;
        }

        var restored = await backup.RestoreAsync(line.Tenant!, line.From!, ct);
        if (restored is null)
        {
            var exports = await backup.ListExportsAsync(line.Tenant!, ct);
            await Console.Error.WriteLineAsync($"No export '{line.From}' of tenant '{line.Tenant}'. Its exports: {(exports.Count == 0 ? "none" : string.Join(", ", exports))}.");
            return 1;
        }

        Console.WriteLine($"Restored tenant '{line.Tenant}' from {string.Join(", ", restored.Exports)}: {restored.Rows} rows written, "
            + $"{restored.KeptForOtherTenants} number or call index rows left with the tenant that holds them now.");
        return 0;
    }
}
