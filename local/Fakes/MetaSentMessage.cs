namespace CallCenter.Fakes;

/// <summary>A message the fake Graph API accepted.</summary>
public sealed record MetaSentMessage(string PhoneNumberId, string To, string Text, string MessageId, string? Authorization);
