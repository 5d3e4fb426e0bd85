namespace CallCenter.Web;

/// <summary>An outbound call just queued: its id, and the numbers it will dial from and to.</summary>
public sealed record PlacedCallView(string Id, string To, string From, string? LeadId, string Status);
