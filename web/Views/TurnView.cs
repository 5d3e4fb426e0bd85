using CallCenter.Core.Calls;

namespace CallCenter.Web;

/// <summary>One turn of a call, with its offset from the start of the call.</summary>
public sealed record TurnView(int Sequence, string Role, string Text, long OffsetMs)
{
    public static TurnView Of(ConversationTurn t) => new(t.Sequence, t.Role.ToString().ToLowerInvariant(), t.Text, (long)t.Offset.TotalMilliseconds);
}
