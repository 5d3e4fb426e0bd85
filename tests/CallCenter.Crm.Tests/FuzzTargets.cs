namespace CallCenter.Crm.Tests;

/// <summary>The real things a fuzz run aims at: a tenant with a lead, a call and a conversation, and a second tenant.</summary>
public sealed record FuzzTargets(
    Uri BaseUrl,
    string Tenant,
    string Key,
    string KeyId,
    string OtherTenant,
    string OtherKey,
    string OtherContinuation,
    string LeadId,
    string CallSid,
    string ConversationId,
    string VoiceNumber,
    string WhatsAppNumber,
    string MetaPhoneNumberId);
