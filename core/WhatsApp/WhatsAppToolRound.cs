namespace CallCenter.Core.WhatsApp;

/// <summary>One round trip of the tool loop: the calls of one model answer and each one's output, in the same order.</summary>
public sealed record WhatsAppToolRound(IReadOnlyList<WhatsAppToolCall> Calls, IReadOnlyList<string> Outputs);
