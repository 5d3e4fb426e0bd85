namespace CallCenter.Simulators;

/// <summary>A recorded <c>conversation.item.truncate</c>.</summary>
public sealed record TruncateEvent(string ItemId, int ContentIndex, long AudioEndMs);
