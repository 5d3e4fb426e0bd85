using CallCenter.Core.Tenants;

namespace CallCenter.Web;

/// <summary>A tenant as the API shows it: whether a WhatsApp verify token is set, never the token, which is a secret shared with Meta.</summary>
public sealed record TenantView(
    string Id,
    string Name,
    IReadOnlyList<string> VoiceNumbers,
    string? WhatsAppNumber,
    string? MetaPhoneNumberId,
    bool HasWhatsAppVerifyToken,
    string Language,
    string Voice,
    string TimeZone,
    string TranscriptionPolicy,
    int RecordingRetentionDays,
    IReadOnlyList<string> UnrecordedNumbers,
    bool DeleteRecordingFromTwilio,
    int MaxCallSeconds,
    IReadOnlyList<string> TransferNumbers,
    string? TransferHours,
    string? CallingHours,
    string? VoicemailMessage,
    int SilenceRepromptSeconds,
    int SilenceGoodbyeSeconds,
    bool DeleteTranscriptsOnRetention)
{
    public static TenantView Of(Tenant t) => new(
        t.Id,
        t.Name,
        t.VoiceNumbers,
        t.WhatsAppNumber,
        t.MetaPhoneNumberId,
        t.WhatsAppVerifyToken is not null,
        t.Language,
        t.Voice,
        t.TimeZone,
        t.TranscriptionPolicy.ToString(),
        t.RecordingRetentionDays,
        t.UnrecordedNumbers,
        t.DeleteRecordingFromTwilio,
        t.MaxCallSeconds,
        t.TransferNumbers,
        t.TransferHours?.ToString(),
        t.CallingHours?.ToString(),
        t.VoicemailMessage,
        t.SilenceRepromptSeconds,
        t.SilenceGoodbyeSeconds,
        t.DeleteTranscriptsOnRetention);
}
