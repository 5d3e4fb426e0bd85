namespace CallCenter.Core.Calls;

public enum StreamTokenError
{
    None,
    Malformed,
    BadSignature,
    Expired,
}
