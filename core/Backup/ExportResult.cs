namespace CallCenter.Core.Backup;

/// <summary>
/// One export run over rows changed in [<see cref="From"/>, <see cref="To"/>): the blobs it wrote, those that
/// an earlier run of the same window had already written, and the rows in them.
/// </summary>
public sealed record ExportResult(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<string> Written, IReadOnlyList<string> AlreadyThere, int Rows)
{
    public static ExportResult Nothing(DateTimeOffset at) => new(at, at, [], [], 0);
}
