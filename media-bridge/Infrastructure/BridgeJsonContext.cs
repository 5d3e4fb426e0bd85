using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// What the bridge's internal endpoints write, serialized by code generated at build time (camelCase, as ASP.NET
/// Core's defaults): the Native AOT build has no reflection-based serializer.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BridgeStatus))]
[JsonSerializable(typeof(BridgeMetricsSnapshot))]
internal sealed partial class BridgeJsonContext : JsonSerializerContext;
