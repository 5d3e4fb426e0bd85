using CallCenter.Core.Webhooks;

namespace CallCenter.Web;

/// <summary>A registered endpoint as listed: never its secret.</summary>
public sealed record WebhookView(string Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt)
{
    public static WebhookView Of(WebhookEndpoint e) => new(e.Id, e.Url.AbsoluteUri, e.Events, e.CreatedAt);
}
