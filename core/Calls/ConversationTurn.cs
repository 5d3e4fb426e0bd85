namespace CallCenter.Core.Calls;

/// <summary>One utterance of a call, in order; inserted by the media bridge and never rewritten.</summary>
public sealed record ConversationTurn(string CallSid, int Sequence, TurnRole Role, string Text, TimeSpan Offset);
