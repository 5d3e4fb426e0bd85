using System.Security.Cryptography;
using System.Text;
using CallCenter.Core.WhatsApp;

namespace CallCenter.Crm.Tests;

/// <summary>Webhook bodies in the providers' documented shapes, signed as the providers sign them.</summary>
public static class Payloads
{
    /// <summary>A Cloud API text message notification, as in Meta's webhook reference.</summary>
    public static string MetaText(string phoneNumberId, string displayNumber, string fromWaId, string wamid, string text, string name = "Dana") => $$"""
        {
          "object": "whatsapp_business_account",
          "entry": [{
            "id": "102290129340398",
            "changes": [{
              "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "{{displayNumber}}", "phone_number_id": "{{phoneNumberId}}" },
                "contacts": [{ "profile": { "name": "{{name}}" }, "wa_id": "{{fromWaId}}" }],
                "messages": [{
                  "from": "{{fromWaId}}",
                  "id": "{{wamid}}",
                  "timestamp": "1749416383",
                  "type": "text",
                  "text": { "body": "{{text}}" }
                }]
              },
              "field": "messages"
            }]
          }]
        }
        """;

    /// <summary>A Cloud API status notification for a message the business sent.</summary>
    public static string MetaStatus(string phoneNumberId, string displayNumber, string wamid, string status, string recipient) => $$"""
        {
          "object": "whatsapp_business_account",
          "entry": [{
            "id": "102290129340398",
            "changes": [{
              "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "{{displayNumber}}", "phone_number_id": "{{phoneNumberId}}" },
                "statuses": [{
                  "id": "{{wamid}}",
                  "status": "{{status}}",
                  "timestamp": "1750263773",
                  "recipient_id": "{{recipient}}",
                  "pricing": { "billable": true, "pricing_model": "PMP", "category": "service" }
                }]
              },
              "field": "messages"
            }]
          }]
        }
        """;

    public static HttpRequestMessage SignedMeta(string body, string? signature = "valid")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp/meta") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature == "valid" ? MetaSignature.Sign(CrmHost.MetaAppSecret, bytes) : signature);
        }

        return request;
    }

    /// <summary>A form POST signed like Twilio: base64 HMAC-SHA1 over the URL and the sorted name+value pairs.</summary>
    public static HttpRequestMessage SignedTwilio(Uri baseUrl, string path, IReadOnlyDictionary<string, string> form, string authToken)
    {
        var url = new Uri(baseUrl, path).AbsoluteUri;
        var data = new StringBuilder(url);
        foreach (var (k, v) in form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(k).Append(v);
        }

        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return request;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
