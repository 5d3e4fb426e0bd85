using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using CallCenter.Core.WhatsApp;

namespace CallCenter.Functions.Tests;

/// <summary>Requests as Meta and API clients send them (Twilio's: <see cref="Testing.TwilioCall"/>); each call builds a fresh message for one host.</summary>
public static class Requests
{
    public static string NewNumber() => "+1555" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>A Cloud API text message notification, signed with the app secret (or with <paramref name="signature"/>).</summary>
    public static HttpRequestMessage Meta(Uri baseUrl, string phoneNumberId, string fromWaId, string wamid, string text, string? signature = "valid")
    {
        var body = $$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
              "messaging_product":"whatsapp",
              "metadata":{"display_phone_number":"15550001000","phone_number_id":"{{{phoneNumberId}}}"},
              "contacts":[{"profile":{"name":"Dana"},"wa_id":"{{{fromWaId}}}"}],
              "messages":[{"from":"{{{fromWaId}}}","id":"{{{wamid}}}","timestamp":"1749416383","type":"text","text":{"body":"{{{text}}}"}}]
            },"field":"messages"}]}]}
            """;
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/api/whatsapp/meta")) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature == "valid" ? MetaSignature.Sign(FunctionsFixture.MetaAppSecret, bytes) : signature);
        }

        return request;
    }

    public static HttpRequestMessage Api(Uri baseUrl, HttpMethod method, string path, string? key, object? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(baseUrl, path));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }
}
