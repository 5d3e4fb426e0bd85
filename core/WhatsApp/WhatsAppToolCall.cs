namespace CallCenter.Core.WhatsApp;

/// <summary>A function call the model asked for: the id it issued, the tool's name and its JSON arguments as sent.</summary>
public sealed record WhatsAppToolCall(string Id, string Name, string Arguments);
