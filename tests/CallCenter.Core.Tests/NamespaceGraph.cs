namespace CallCenter.Core.Tests;

/// <summary>Cycles in a dependency graph between namespaces, each named from its smallest member and back to it.</summary>
internal static class NamespaceGraph
{
    public static IReadOnlyList<IReadOnlyList<string>> Cycles(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        var cycles = new List<IReadOnlyList<string>>();
        var seen = new HashSet<string>();
        foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
        {
            // Only cycles through start whose other members sort after it: each cycle is named once, from its smallest member.
            Walk(start, [start]);
            void Walk(string at, List<string> path)
            {
                foreach (var next in Edges(graph, at).Order(StringComparer.Ordinal))
                {
                    if (next == start)
                    {
                        var cycle = new List<string>(path) { start };
                        if (seen.Add(string.Join(" ", cycle)))
                        {
                            cycles.Add(cycle);
                        }
                    }
                    else if (string.CompareOrdinal(next, start) > 0 && !path.Contains(next))
                    {
                        path.Add(next);
                        Walk(next, path);
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }
        }

        return cycles;
    }

    private static IReadOnlySet<string> Edges(IReadOnlyDictionary<string, IReadOnlySet<string>> graph, string at) =>
        graph.TryGetValue(at, out var edges) ? edges : new HashSet<string>();
}
