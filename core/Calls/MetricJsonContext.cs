using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallCenter.Core.Calls;

/// <summary>
/// The serializer of a call's figures (<see cref="MetricJson"/>), generated at build time with the web defaults:
/// the media bridge's Native AOT build has no reflection-based serializer.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CallCost))]
[JsonSerializable(typeof(CallLatency))]
[JsonSerializable(typeof(ModelUsage))]
[JsonSerializable(typeof(RealtimeUsage))]
internal sealed partial class MetricJsonContext : JsonSerializerContext;
