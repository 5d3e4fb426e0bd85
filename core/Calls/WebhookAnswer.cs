namespace CallCenter.Core.Calls;

/// <summary>What a webhook handler answers; each host writes it out as HTTP.</summary>
public sealed record WebhookAnswer(int StatusCode, string ContentType, string Body)
{
    public const string TwimlType = "application/xml";

    public static WebhookAnswer Twiml(string xml) => new(200, TwimlType, xml);

    /// <summary>An empty TwiML document: Twilio logs nothing and does nothing further.</summary>
    public static WebhookAnswer Empty { get; } = Twiml("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");

    public static WebhookAnswer Forbidden { get; } = new(403, "text/plain", "invalid signature");

    public static WebhookAnswer BadRequest(string reason) => new(400, "text/plain", reason);
}
