using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using CallCenter.Core.Faults;
using CallCenter.Core.Tenants;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.WhatsApp;

/// <summary>Meta's Graph <c>POST /{phone_number_id}/messages</c> and Twilio's Messages API behind one call.</summary>
public sealed class WhatsAppSender(HttpClient http, IOptions<WhatsAppOptions> options, IOptions<TwilioOptions> twilio) : IWhatsAppSender
{
    public Task<string> SendAsync(Tenant tenant, WhatsAppProvider provider, string toPhone, string text, CancellationToken ct = default) =>
        provider == WhatsAppProvider.Meta ? SendMetaAsync(tenant, toPhone, text, ct) : SendTwilioAsync(tenant, toPhone, text, ct);

    private async Task<string> SendMetaAsync(Tenant tenant, string toPhone, string text, CancellationToken ct)
    {
        var phoneNumberId = tenant.MetaPhoneNumberId ?? throw new PermanentFailureException($"Tenant {tenant.Id} has no Meta phone number id.");
        var token = options.Value.MetaAccessToken ?? throw new PermanentFailureException("WhatsApp:MetaAccessToken is not configured.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Value.MetaGraphBaseUrl, $"{phoneNumberId}/messages"))
        {
            Content = JsonContent.Create(new
            {
                messaging_product = "whatsapp",
                recipient_type = "individual",
                to = toPhone.TrimStart('+'),
                type = "text",
                text = new { body = text },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        await ThrowOnFailureAsync(response, "Meta Graph", ct).ConfigureAwait(false);
        var sent = await response.Content.ReadFromJsonAsync<MetaSendResponse>(ct).ConfigureAwait(false);
        return sent?.Messages is [{ Id: { Length: > 0 } id }, ..] ? id : throw new PermanentFailureException("Meta Graph answered without a message id.");
    }

    private async Task<string> SendTwilioAsync(Tenant tenant, string toPhone, string text, CancellationToken ct)
    {
        var from = tenant.WhatsAppNumber ?? throw new PermanentFailureException($"Tenant {tenant.Id} has no WhatsApp number.");
        var o = twilio.Value;
        var fields = new Dictionary<string, string> { ["To"] = "whatsapp:" + toPhone, ["From"] = "whatsapp:" + from, ["Body"] = text };
        if (o.PublicBaseUrl is not null)
        {
            fields["StatusCallback"] = o.PublicUrl("api/whatsapp/twilio").AbsoluteUri;
        }

        using var request = new HttpRequestMessage(
            HttpMethod.Post, new Uri(options.Value.TwilioMessagingBaseUrl, $"2010-04-01/Accounts/{o.AccountSid}/Messages.json"))
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AccountSid}:{o.AuthToken}")));
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        await ThrowOnFailureAsync(response, "Twilio Messages", ct).ConfigureAwait(false);
        var sent = await response.Content.ReadFromJsonAsync<TwilioSendResponse>(ct).ConfigureAwait(false);
        return sent?.Sid is { Length: > 0 } sid ? sid : throw new PermanentFailureException("Twilio answered without a message sid.");
    }

    private static async Task ThrowOnFailureAsync(HttpResponseMessage response, string api, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var message = $"{api} refused the message ({(int)response.StatusCode}): {body[..Math.Min(body.Length, 300)]}";
        // Rate limits and server errors pass; a refused request will be refused again.
        throw (int)response.StatusCode is 408 or 429 or >= 500 ? new HttpRequestException(message) : new PermanentFailureException(message);
    }

    private sealed record MetaSendResponse([property: JsonPropertyName("messages")] IReadOnlyList<MetaSentMessage>? Messages);

    private sealed record MetaSentMessage([property: JsonPropertyName("id")] string? Id);

    private sealed record TwilioSendResponse([property: JsonPropertyName("sid")] string? Sid);
}
