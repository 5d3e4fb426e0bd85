namespace CallCenter.Web;

/// <summary>A read-only link to a recording and when it stops working.</summary>
public sealed record RecordingLinkView(Uri Url, DateTimeOffset ExpiresAt);
