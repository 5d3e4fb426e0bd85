using System.Text;
using CallCenter.Core.WhatsApp;

namespace CallCenter.Testing;

/// <summary>
/// The webhooks Meta's WhatsApp Cloud API sends, as bodies in the documented shapes, and the request that carries
/// one, signed as Meta signs it; the app secret is the one the test hosts configure.
/// </summary>
public static class MetaWhatsApp
{
    public const string AppSecret = "test-meta-app-secret-0123456789";

    /// <summary>The business number's display form in <see cref="Text"/> and <see cref="Status"/>; the hosts route by phone_number_id.</summary>
    public const string DisplayNumber = "15550001000";

    /// <summary>A Cloud API text message notification, as in Meta's webhook reference.</summary>
    public static string Text(string phoneNumberId, string fromWaId, string wamid, string text, string name = "Dana") => Notification(phoneNumberId, $$"""
        "contacts": [{ "profile": { "name": "{{name}}" }, "wa_id": "{{fromWaId}}" }],
        "messages": [{
          "from": "{{fromWaId}}",
          "id": "{{wamid}}",
          "timestamp": "1749416383",
          "type": "text",
          "text": { "body": "{{text}}" }
        }]
        """);

    /// <summary>A Cloud API status notification for a message the business sent.</summary>
    public static string Status(string phoneNumberId, string wamid, string status, string recipient) => Notification(phoneNumberId, $$"""
        "statuses": [{
          "id": "{{wamid}}",
          "status": "{{status}}",
          "timestamp": "1750263773",
          "recipient_id": "{{recipient}}",
          "pricing": { "billable": true, "pricing_model": "PMP", "category": "service" }
        }]
        """);

    /// <summary>
    /// A POST of <paramref name="body"/> to the Meta webhook route, relative to the client's base address: signed
    /// with <see cref="AppSecret"/> for "valid", with <paramref name="signature"/> as the header otherwise, unsigned
    /// when null.
    /// </summary>
    public static HttpRequestMessage Request(string body, string? signature = "valid") =>
        Post(new Uri("/api/whatsapp/meta", UriKind.Relative), body, signature);

    /// <summary>As <see cref="Request(string, string?)"/>, to the host at <paramref name="baseUrl"/>.</summary>
    public static HttpRequestMessage Request(Uri baseUrl, string body, string? signature = "valid") =>
        Post(new Uri(baseUrl, "/api/whatsapp/meta"), body, signature);

    private static HttpRequestMessage Post(Uri url, string body, string? signature)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature == "valid" ? MetaSignature.Sign(AppSecret, bytes) : signature);
        }

        return request;
    }

    /// <summary>The envelope every Cloud API notification comes in, around the value's own fields.</summary>
    private static string Notification(string phoneNumberId, string fields) => $$"""
        {
          "object": "whatsapp_business_account",
          "entry": [{
            "id": "102290129340398",
            "changes": [{
              "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "{{DisplayNumber}}", "phone_number_id": "{{phoneNumberId}}" },
                {{fields}}
              },
              "field": "messages"
            }]
          }]
        }
        """;
}
