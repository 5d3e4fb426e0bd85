namespace CallCenter.MediaBridge.Sessions;

/// <summary>An agent item to cut on barge-in: the model keeps its audio up to <see cref="AudioEndMs"/>.</summary>
public readonly record struct Truncation(string ItemId, long AudioEndMs);
