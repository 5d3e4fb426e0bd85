using System.Text;
using CallCenter.Core.WhatsApp;

namespace CallCenter.Crm.Tests;

/// <summary>Webhook bodies in the providers' documented shapes, signed as the providers sign them (Twilio's: <see cref="Testing.TwilioCall"/>).</summary>
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
