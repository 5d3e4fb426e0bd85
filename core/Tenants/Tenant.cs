using System.Text.RegularExpressions;

namespace CallCenter.Core.Tenants;

/// <summary>A business using the call center.</summary>
public sealed record Tenant
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<string> VoiceNumbers { get; init; } = [];
    public string? WhatsAppNumber { get; init; }

    /// <summary>Meta's id of the tenant's WhatsApp business number: the Cloud API names the receiving number by it.</summary>
    public string? MetaPhoneNumberId { get; init; }

    /// <summary>The hub.verify_token Meta echoes when the tenant subscribes its webhook.</summary>
    public string? WhatsAppVerifyToken { get; init; }
    public string Language { get; init; } = "en-US";
    public string Voice { get; init; } = "alloy";
    public string TimeZone { get; init; } = "UTC";
    public TranscriptionPolicy TranscriptionPolicy { get; init; } = TranscriptionPolicy.FallbackToRecording;
    public int RecordingRetentionDays { get; init; } = 90;

    /// <summary>The tenant's numbers whose calls are not recorded (recording is on by default).</summary>
    public IReadOnlyList<string> UnrecordedNumbers { get; init; } = [];

    /// <summary>Delete Twilio's copy once the recording is in our storage.</summary>
    public bool DeleteRecordingFromTwilio { get; init; }

    /// <summary>
    /// The longest a call may last; then the agent says a closing line and the bridge hangs up. OpenAI ends a
    /// Realtime session at 60 minutes, so that is also the most allowed.
    /// </summary>
    public int MaxCallSeconds { get; init; } = DefaultMaxCallSeconds;

    public const int DefaultMaxCallSeconds = 3600;

    /// <summary>The humans the agent may transfer a call to (E.164); none disables the transfer tool.</summary>
    public IReadOnlyList<string> TransferNumbers { get; init; } = [];

    /// <summary>When a human takes transfers, in the tenant's time zone; null: whenever a number is set.</summary>
    public WeeklyHours? TransferHours { get; init; }

    /// <summary>When callbacks may ring, in the tenant's time zone; a callback due outside them waits for the next opening. Null: any time.</summary>
    public WeeklyHours? CallingHours { get; init; }

    /// <summary>
    /// The message left on an answering machine by an outbound call, spoken in the agent's voice; <c>{name}</c>
    /// and the other lead fields are filled in. Null: the call ends without a message.
    /// </summary>
    public string? VoicemailMessage { get; init; }

    /// <summary>Seconds with neither caller speech nor agent audio before the agent asks whether the caller is still there.</summary>
    public int SilenceRepromptSeconds { get; init; } = 8;

    /// <summary>Seconds of further silence after the re-prompt before the agent says goodbye and the call ends.</summary>
    public int SilenceGoodbyeSeconds { get; init; } = 12;

    /// <summary>Retention also deletes the transcripts of calls past <see cref="RecordingRetentionDays"/>.</summary>
    public bool DeleteTranscriptsOnRetention { get; init; }

    /// <summary>Whether calls on this tenant number are recorded.</summary>
    public bool Records(string tenantNumber) => !UnrecordedNumbers.Contains(tenantNumber);

    /// <summary>Every problem with this tenant's fields; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!TenantIds.IsValid(Id))
        {
            errors.Add("id must be 3-40 characters of lowercase letters, digits and '-'");
        }

        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)
        {
            errors.Add("name is required (at most 200 characters)");
        }

        foreach (var number in VoiceNumbers)
        {
            if (!PhoneNumbers.IsE164(number))
            {
                errors.Add($"voice number '{number}' is not E.164");
            }
        }

        if (VoiceNumbers.Distinct(StringComparer.Ordinal).Count() != VoiceNumbers.Count)
        {
            errors.Add("voice numbers must be distinct");
        }

        if (WhatsAppNumber is not null && !PhoneNumbers.IsE164(WhatsAppNumber))
        {
            errors.Add($"WhatsApp number '{WhatsAppNumber}' is not E.164");
        }

        if (MetaPhoneNumberId is not null && !MetaIdPattern.IsMatch(MetaPhoneNumberId))
        {
            errors.Add("Meta phone number id must be 5-30 digits");
        }

        if (WhatsAppVerifyToken is not null && (WhatsAppVerifyToken.Length is < 16 or > 200))
        {
            errors.Add("WhatsApp verify token must be 16-200 characters");
        }

        if (!LanguageTag.IsMatch(Language))
        {
            errors.Add("language must be a tag such as he-IL or en-US");
        }

        if (!RealtimeVoices.All.Contains(Voice ?? ""))
        {
            errors.Add($"voice must be one of {string.Join(", ", RealtimeVoices.All)}");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            errors.Add($"time zone '{TimeZone}' is unknown");
        }

        if (!Enum.IsDefined(TranscriptionPolicy))
        {
            errors.Add("transcription policy is unknown");
        }

        if (UnrecordedNumbers.Any(n => !VoiceNumbers.Contains(n)))
        {
            errors.Add("unrecorded numbers must be among the voice numbers");
        }

        if (RecordingRetentionDays is < 1 or > 3650)
        {
            errors.Add("recording retention must be 1-3650 days");
        }

        if (MaxCallSeconds is < 5 or > DefaultMaxCallSeconds)
        {
            errors.Add("max call length must be 5-3600 seconds");
        }

        if (TransferNumbers.Any(n => !PhoneNumbers.IsE164(n)) || TransferNumbers.Count > 5)
        {
            errors.Add("transfer numbers must be E.164, at most 5");
        }

        if (VoicemailMessage is { Length: 0 or > 1000 })
        {
            errors.Add("voicemail message must be 1-1000 characters");
        }

        if (SilenceRepromptSeconds is < 2 or > 120 || SilenceGoodbyeSeconds is < 2 or > 120)
        {
            errors.Add("silence re-prompt and goodbye must be 2-120 seconds");
        }

        return errors;
    }

    private static readonly Regex MetaIdPattern = new(@"^[0-9]{5,30}\z", RegexOptions.CultureInvariant);

    private static readonly Regex LanguageTag = new(@"^[a-z]{2,3}(-[A-Z]{2})?\z", RegexOptions.CultureInvariant);
}
