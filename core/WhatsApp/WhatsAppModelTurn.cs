namespace CallCenter.Core.WhatsApp;

/// <summary>
/// What the model answered: the reply's text, or the tools it wants run first (then <see cref="Text"/> is null).
/// Recorded in the reply workflow's history, so a replay never asks the model again.
/// </summary>
public sealed record WhatsAppModelTurn(string? Text, IReadOnlyList<WhatsAppToolCall> ToolCalls);
