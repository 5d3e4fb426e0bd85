namespace CallCenter.Core.Calls;

public enum TurnRole
{
    Caller,
    Agent,
    Tool,
}
