using Microsoft.Extensions.Logging;

namespace CallCenter.Core.WhatsApp;

/// <summary>The WhatsApp channel's log lines: one per event of interest.</summary>
internal static partial class WhatsAppTrace
{
    [LoggerMessage(2001, LogLevel.Warning, "Refused a {Provider} WhatsApp webhook with a missing or wrong signature")]
    public static partial void ForgedWebhook(ILogger logger, string provider);

    [LoggerMessage(2002, LogLevel.Information, "Ignored a WhatsApp message for {Number}, which no tenant owns")]
    public static partial void UnknownNumber(ILogger logger, string number);

    [LoggerMessage(2003, LogLevel.Information, "Ignored a repeated delivery of WhatsApp message {MessageId}")]
    public static partial void Duplicate(ILogger logger, string messageId);

    [LoggerMessage(2004, LogLevel.Information, "Refused a Meta verification handshake: no tenant has that verify token")]
    public static partial void VerifyRefused(ILogger logger);

    [LoggerMessage(2006, LogLevel.Warning, "Dropped {Provider} WhatsApp message {MessageId}, which cannot be stored: {Reason}")]
    public static partial void Unstorable(ILogger logger, string provider, string messageId, string reason);

    [LoggerMessage(2005, LogLevel.Information, "Sent WhatsApp reply {ProviderMessageId} in conversation {ConversationId} of tenant {TenantId}")]
    public static partial void ReplySent(ILogger logger, string providerMessageId, string conversationId, string tenantId);

    [LoggerMessage(2007, LogLevel.Information, "Scheduled callback {CallbackId} asked for in WhatsApp conversation {ConversationId} of tenant {TenantId}")]
    public static partial void CallbackScheduled(ILogger logger, string callbackId, string conversationId, string tenantId);

    [LoggerMessage(2008, LogLevel.Information, "Refused a callback asked for in WhatsApp conversation {ConversationId} of tenant {TenantId}: {Errors}")]
    public static partial void CallbackRefused(ILogger logger, string conversationId, string tenantId, string errors);
}
