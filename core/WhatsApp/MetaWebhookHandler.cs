using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.WhatsApp;

/// <summary>Meta WhatsApp Cloud API webhooks: the verification handshake, and signed message and status events.</summary>
public sealed class MetaWebhookHandler(MetaSignature signature, TenantStore tenants, WhatsAppInbox inbox, ILogger<MetaWebhookHandler> logger)
{
    /// <summary>Meta sends up to 3 MB; a body beyond that is not Meta.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    private static readonly WebhookAnswer Ok = new(200, "text/plain", "ok");

    /// <summary>9999-12-31T23:59:59Z, the last second a date holds.</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>hub.mode=subscribe with a tenant's verify token → the challenge; anything else → 403.</summary>
    public async Task<WebhookAnswer> VerifyAsync(string? mode, string? token, string? challenge, CancellationToken ct = default)
    {
        if (mode == "subscribe" && token is { Length: > 0 } && challenge is { Length: > 0 and <= 200 })
        {
            var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            foreach (var tenant in await tenants.ListAsync(ct).ConfigureAwait(false))
            {
                if (tenant.WhatsAppVerifyToken is { } own
                    && CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(own))))
                {
                    return new WebhookAnswer(200, "text/plain", challenge);
                }
            }
        }

        WhatsAppTrace.VerifyRefused(logger);
        return WebhookAnswer.Forbidden;
    }

    /// <summary>Checks the signature on the raw bytes before anything parses them; 401 without one, 403 for a wrong one.</summary>
    public async Task<WebhookAnswer> HandleAsync(ReadOnlyMemory<byte> body, string? signatureHeader, IWhatsAppWorkflowSignals workflow, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(signatureHeader))
        {
            WhatsAppTrace.ForgedWebhook(logger, "Meta");
            return new WebhookAnswer(401, "text/plain", "missing signature");
        }

        if (!signature.IsValid(body.Span, signatureHeader))
        {
            WhatsAppTrace.ForgedWebhook(logger, "Meta");
            return WebhookAnswer.Forbidden;
        }

        MetaEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<MetaEnvelope>(body.Span);
        }
        catch (JsonException)
        {
            return WebhookAnswer.BadRequest("malformed JSON");
        }

        if (envelope is not { Object: "whatsapp_business_account" })
        {
            return WebhookAnswer.BadRequest("not a WhatsApp Business Account event");
        }

        // Null elements anywhere in the envelope are skipped like missing ones.
        foreach (var value in (envelope.Entry ?? []).SelectMany(e => e?.Changes ?? []).Where(c => c?.Field == "messages").Select(c => c!.Value))
        {
            if (value?.Metadata?.PhoneNumberId is not { } phoneNumberId)
            {
                continue;
            }

            // Unknown numbers are acknowledged, not refused: Meta would otherwise retry them for days.
            var tenant = await tenants.FindByMetaPhoneNumberIdAsync(phoneNumberId, ct).ConfigureAwait(false);
            if (tenant is null)
            {
                WhatsAppTrace.UnknownNumber(logger, phoneNumberId);
                continue;
            }

            foreach (var m in value.Messages ?? [])
            {
                var from = "+" + m?.From;
                if (m?.Id is not { Length: > 0 and <= 200 } id || !PhoneNumbers.IsE164(from))
                {
                    continue;
                }

                if (SentAt(m.Timestamp) is not { } sentAt)
                {
                    WhatsAppTrace.Unstorable(logger, "Meta", id, "its timestamp is out of range");
                    continue;
                }

                var name = value.Contacts?.FirstOrDefault(c => c?.WaId == m.From)?.Profile?.Name;
                var text = m.Type == "text" ? m.Text?.Body ?? "" : $"[{m.Type}]";
                await inbox.ReceiveAsync(new InboundWhatsApp(tenant.Id, WhatsAppProvider.Meta, id, from, name, text, sentAt), workflow, ct)
                    .ConfigureAwait(false);
            }

            foreach (var s in value.Statuses ?? [])
            {
                if (s?.Id is { Length: > 0 } id)
                {
                    await inbox.StatusAsync(tenant.Id, id, s.Status, ct).ConfigureAwait(false);
                }
            }
        }

        return Ok;
    }

    /// <summary>Unix seconds; a missing one reads as the epoch, one that is not a date we can hold is null.</summary>
    private static DateTimeOffset? SentAt(string? timestamp) =>
        string.IsNullOrEmpty(timestamp) ? DateTimeOffset.UnixEpoch
        : long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) && unix <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(unix)
        : null;

    // Meta's documented envelope; fields we do not use are ignored, as Meta adds fields over time.
    private sealed record MetaEnvelope(
        [property: JsonPropertyName("object")] string? Object,
        [property: JsonPropertyName("entry")] IReadOnlyList<MetaEntry>? Entry);

    private sealed record MetaEntry(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("changes")] IReadOnlyList<MetaChange>? Changes);

    private sealed record MetaChange(
        [property: JsonPropertyName("field")] string? Field,
        [property: JsonPropertyName("value")] MetaValue? Value);

    private sealed record MetaValue(
        [property: JsonPropertyName("metadata")] MetaMetadata? Metadata,
        [property: JsonPropertyName("contacts")] IReadOnlyList<MetaContact>? Contacts,
        [property: JsonPropertyName("messages")] IReadOnlyList<MetaMessage>? Messages,
        [property: JsonPropertyName("statuses")] IReadOnlyList<MetaStatus>? Statuses);

    private sealed record MetaMetadata(
        [property: JsonPropertyName("display_phone_number")] string? DisplayPhoneNumber,
        [property: JsonPropertyName("phone_number_id")] string? PhoneNumberId);

    private sealed record MetaContact(
        [property: JsonPropertyName("wa_id")] string? WaId,
        [property: JsonPropertyName("profile")] MetaProfile? Profile);

    private sealed record MetaProfile([property: JsonPropertyName("name")] string? Name);

    private sealed record MetaMessage(
        [property: JsonPropertyName("from")] string? From,
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("timestamp")] string? Timestamp,
        [property: JsonPropertyName("type")] string? Type,
        [property: JsonPropertyName("text")] MetaText? Text);

    private sealed record MetaText([property: JsonPropertyName("body")] string? Body);

    private sealed record MetaStatus(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("status")] string? Status,
        [property: JsonPropertyName("recipient_id")] string? RecipientId);
}
