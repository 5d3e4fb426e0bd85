using System.Globalization;
using System.Text.RegularExpressions;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// One request Azurite served, from its debug log: when it started, what it touched and the trace context the
/// client sent with it (<c>traceparent</c> and <c>tracestate</c>, which the Azure SDK fills from the caller's current span;
/// <see cref="Token"/> is the bench's entry in the trace state, naming the webhook whose handling made the request).
/// </summary>
internal sealed record StorageRequest(
    string Id, DateTime Start, string Service, string Method, string Resource, string Operation, string? TraceId, string? Token, string? ClientRequestId, int? VisibilityTimeout)
{
    /// <summary>The kind a count is kept by: resource and operation (<c>callcenter-control/messages Queue_Enqueue</c>).</summary>
    public string Kind => $"{Resource} {Operation}";

    /// <summary>The bench's own requests (its probes and markers), left out of every count.</summary>
    public bool IsBench => ClientRequestId?.StartsWith("wfbench-", StringComparison.Ordinal) == true;

    /// <summary>The name of a bench marker (<c>wfbench-mark-NAME</c>), or null.</summary>
    public string? Marker => ClientRequestId?.StartsWith(MarkerPrefix, StringComparison.Ordinal) == true ? ClientRequestId[MarkerPrefix.Length..] : null;

    public const string MarkerPrefix = "wfbench-mark-";

    /// <summary>A request to the Durable task hub's own queues, tables and lease blobs (the engine's, or a client's call into it).</summary>
    public bool IsTaskHub(string taskHub) => Resource.StartsWith(taskHub, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Reads Azurite's debug log (<c>--debug FILE</c>). Every line is <c>TIME REQUEST-ID LEVEL: MESSAGE</c>; a request's
/// first line (the service's context middleware) has its method, URL and headers, a later one its operation.
/// </summary>
internal static partial class AzuriteLog
{
    public static List<StorageRequest> Read(string path)
    {
        // Azurite may still be writing: share the file.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return Parse(ReadLines(reader));
    }

    private static IEnumerable<string> ReadLines(StreamReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    public static List<StorageRequest> Parse(IEnumerable<string> lines)
    {
        var requests = new Dictionary<string, StorageRequest>();
        var order = new List<string>();
        var operations = new Dictionary<string, string>();
        var batchTables = new Dictionary<string, string>();
        foreach (var line in lines)
        {
            var parts = line.Split(' ', 4);
            if (parts.Length < 4 || parts[1] == "undefined")
            {
                continue;
            }

            var message = parts[3];
            if (ContextLine().Match(message) is { Success: true } context)
            {
                if (requests.ContainsKey(parts[1])
                    || !DateTime.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
                {
                    continue;
                }

                var url = context.Groups["url"].Value;
                var visibility = VisibilityTimeout().Match(url);
                requests[parts[1]] = new StorageRequest(
                    parts[1], at, context.Groups["service"].Value, context.Groups["method"].Value, Resource(context.Groups["service"].Value, url), "?",
                    TraceParent().Match(message) is { Success: true } trace ? trace.Groups[1].Value : null,
                    TraceState().Match(message) is { Success: true } token ? token.Groups[1].Value : null,
                    ClientRequestId().Match(message) is { Success: true } client ? client.Groups[1].Value : null,
                    visibility.Success ? int.Parse(visibility.Groups[1].Value, CultureInfo.InvariantCulture) : null);
                order.Add(parts[1]);
            }
            else if (Dispatch().Match(message) is { Success: true } operation)
            {
                operations.TryAdd(parts[1], operation.Groups[1].Value);
            }
            else if (BatchTable().Match(message) is { Success: true } batch)
            {
                batchTables.TryAdd(parts[1], batch.Groups[1].Value);
            }
        }

        // A batch's URL names no table (/$batch); its body's first operation does, and a batch is one table's.
        return order.Select(id => requests[id] with
        {
            Operation = operations.GetValueOrDefault(id, "?"),
            Resource = batchTables.GetValueOrDefault(id, requests[id].Resource),
        }).ToList();
    }

    /// <summary>
    /// What a request touched, without the parts that differ between requests of one kind: a queue without its
    /// partition number (<c>callcenter-control</c>), a table without its keys, a blob container without the blob.
    /// </summary>
    public static string Resource(string service, string url)
    {
        var path = AccountPath().Match(url) is { Success: true } m ? Uri.UnescapeDataString(m.Groups[1].Value) : url;
        var segments = path.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return "(account)";
        }

        return service switch
        {
            "Queue" => PartitionNumber().Replace(segments[0], "") + (segments.Length > 1 && segments[1] == "messages" ? "/messages" : ""),
            "Table" => segments[0].Split('(')[0],
            _ => segments[0],
        };
    }

    [GeneratedRegex(@"^(?<service>Blob|Queue|Table)StorageContextMiddleware: RequestMethod=(?<method>\S+) RequestURL=(?<url>\S+)")]
    private static partial Regex ContextLine();

    [GeneratedRegex(@"^TableHandler:batch\(\) Raw request string is "".*?\\n(?:POST|PUT|PATCH|MERGE|DELETE|GET) https?://[^/]+/[^/]+/([A-Za-z][A-Za-z0-9]*)")]
    private static partial Regex BatchTable();

    [GeneratedRegex(@"^DispatchMiddleware: Operation=(\S+)")]
    private static partial Regex Dispatch();

    [GeneratedRegex(@"""traceparent"":""00-([0-9a-f]{32})-")]
    private static partial Regex TraceParent();

    [GeneratedRegex(@"""tracestate"":""(?:[^""]*,)?wfbench=([^"",]+)")]
    private static partial Regex TraceState();

    [GeneratedRegex(@"""x-ms-client-request-id"":""([^""]*)""")]
    private static partial Regex ClientRequestId();

    [GeneratedRegex(@"[?&]visibilitytimeout=(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex VisibilityTimeout();

    [GeneratedRegex(@"^https?://[^/]+/[^/]+/(.*)$")]
    private static partial Regex AccountPath();

    [GeneratedRegex(@"-\d+$")]
    private static partial Regex PartitionNumber();
}
