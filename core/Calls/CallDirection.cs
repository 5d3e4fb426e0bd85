namespace CallCenter.Core.Calls;

public enum CallDirection
{
    Inbound,
    Outbound,
}
