namespace CallCenter.Core.Calls;

/// <summary>A call whose workflow is not yet known to have started, as its open row names it (see <see cref="CallLogStore.ListOpenAsync"/>).</summary>
public sealed record OpenCallRow(string CallSid, DateTimeOffset CreatedAt, string RowKey);
