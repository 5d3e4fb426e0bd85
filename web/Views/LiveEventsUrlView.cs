namespace CallCenter.Web;

/// <summary>The WebSocket URL a dashboard connects to for its tenant's live call events.</summary>
public sealed record LiveEventsUrlView(string Url);
