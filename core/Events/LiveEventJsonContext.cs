using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallCenter.Core.Events;

/// <summary>
/// Live events' serializer, generated at build time with <see cref="LiveEventWire.Json"/>'s settings (the web
/// defaults): the media bridge's Native AOT build has no reflection-based serializer.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<LiveEvent>))]
internal sealed partial class LiveEventJsonContext : JsonSerializerContext;
