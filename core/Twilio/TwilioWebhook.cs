namespace CallCenter.Core.Twilio;

/// <summary>A Twilio webhook as the edge read it: the public URL it was sent to, its form and its signature.</summary>
public sealed record TwilioWebhook(string Url, IReadOnlyDictionary<string, string> Form, string? Signature)
{
    public string? this[string name] => Form.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}
