using System.Text;
using CallCenter.Simulators;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The schema check the end-to-end tests rely on refuses what OpenAI's schema refuses.</summary>
public sealed class RealtimeSchemaTests
{
    private static string? Check(RealtimeDirection direction, string json) => RealtimeSchema.Instance.Check(direction, Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_ga_event_passes()
    {
        Assert.Null(Check(RealtimeDirection.ClientToServer, """{"type":"conversation.item.truncate","item_id":"item_1","content_index":0,"audio_end_ms":1500}"""));
        Assert.Null(Check(RealtimeDirection.ServerToClient,
            """{"event_id":"event_1","type":"conversation.item.truncated","item_id":"item_1","content_index":0,"audio_end_ms":1500}"""));
    }

    [Fact]
    public void An_unknown_event_type_fails()
    {
        Assert.NotNull(Check(RealtimeDirection.ClientToServer, """{"type":"response.audio.delta","delta":""}"""));
        Assert.NotNull(Check(RealtimeDirection.ServerToClient, """{"event_id":"e","type":"response.audio.delta","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":""}"""));
    }

    [Fact]
    public void An_unknown_field_fails()
    {
        Assert.NotNull(Check(RealtimeDirection.ClientToServer, """{"type":"conversation.item.truncate","item_id":"item_1","content_index":0,"audio_end_ms":1500,"played_ms":3}"""));
    }

    [Fact]
    public void The_voices_a_tenant_may_choose_are_the_ones_openais_schema_lists() =>
        Assert.Equal(RealtimeSchema.Instance.DocumentedVoices.Order(StringComparer.Ordinal), CallCenter.Core.Tenants.RealtimeVoices.All.Order(StringComparer.Ordinal));

    [Fact]
    public void A_missing_required_field_fails()
    {
        // GA's conversation.item.truncated carries content_index and audio_end_ms.
        Assert.NotNull(Check(RealtimeDirection.ServerToClient, """{"event_id":"event_1","type":"conversation.item.truncated","item_id":"item_1"}"""));
    }
}
