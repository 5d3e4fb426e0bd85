namespace CallCenter.Fakes;

/// <summary>A message the fake Messages API accepted.</summary>
public sealed record TwilioSentMessage(string AccountSid, string To, string From, string Body, string Sid, string? StatusCallback);
