namespace CallCenter.Core.Calls;

/// <summary>What a request carrying an <c>Idempotency-Key</c> turned out to be.</summary>
public enum IdempotencyOutcome
{
    /// <summary>The key's first use (or its first use after it expired): the request is carried out.</summary>
    New,

    /// <summary>The same key with the same body within its lifetime: the first request's result is given again.</summary>
    Replay,

    /// <summary>The same key with a different body within its lifetime: refused, nothing is done.</summary>
    Mismatch,
}
