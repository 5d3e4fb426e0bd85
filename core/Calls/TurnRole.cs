namespace CallCenter.Core.Calls;

public enum TurnRole
{
    Caller,
    Agent,
    Tool,

    /// <summary>A key the caller pressed (Twilio's <c>dtmf</c> event), text like <c>pressed 3</c>.</summary>
    Dtmf,
}
