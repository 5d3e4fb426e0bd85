using CallCenter.Core.Calls;
using CallCenter.Core.Events;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>A turn to store and publish, or only a live event (Turn null).</summary>
public readonly record struct TranscriptItem(string TenantId, ConversationTurn? Turn, LiveEvent Live);
