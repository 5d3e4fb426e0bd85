namespace CallCenter.Core.Backup;

/// <summary>
/// What a restore did: the exports it applied (oldest first), rows written, and index rows it left alone
/// because another tenant owns that number or call now.
/// </summary>
public sealed record RestoreResult(IReadOnlyList<string> Exports, int Rows, int KeptForOtherTenants);
