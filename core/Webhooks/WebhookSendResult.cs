namespace CallCenter.Core.Webhooks;

/// <summary>What one request got: the status code when the endpoint answered, else the error.</summary>
public sealed record WebhookSendResult(int? StatusCode, string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
