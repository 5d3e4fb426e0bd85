using System.Reflection;
using CallCenter.Core.Storage;
using NetArchTest.Rules;

namespace CallCenter.Core.Tests;

/// <summary>
/// The shape of <c>core/</c>: its namespaces (one per folder) depend on each other without a circle, so each
/// area can be read from the bottom up, and nothing in it knows the Functions or ASP.NET hosts.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Root = "CallCenter.Core.";
    private static readonly Assembly Core = typeof(CallCenterTables).Assembly;

    [Fact]
    public void Core_namespaces_depend_on_each_other_without_a_cycle()
    {
        var cycles = NamespaceGraph.Cycles(CoreDependencies());

        Assert.True(cycles.Count == 0, "core/ namespaces in a cycle: " + string.Join("; ", cycles.Select(c => string.Join(" -> ", c))));
    }

    [Fact]
    public void Core_has_no_dependency_on_the_Functions_or_ASP_NET_hosts()
    {
        string[] forbidden = ["Microsoft.Azure.Functions", "Microsoft.AspNetCore"];

        var result = Types.InAssembly(Core).Should().NotHaveDependencyOnAny(forbidden).GetResult();
        var references = Core.GetReferencedAssemblies().Select(a => a.Name!).Where(n => forbidden.Any(n.StartsWith)).ToList();

        Assert.True(result.IsSuccessful, "core/ types using host types: " + string.Join(", ", result.FailingTypeNames ?? []));
        Assert.Empty(references);
    }

    [Fact]
    public void Core_queries_tables_with_filter_strings_not_LINQ_expressions()
    {
        // A LINQ query compiles a delegate per captured value at every query, JIT work at every call (TableFilters).
        var result = Types.InAssembly(Core).Should().NotHaveDependencyOn("System.Linq.Expressions").GetResult();

        Assert.True(result.IsSuccessful, "core/ types building expression trees: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_cycle_finder_names_every_cycle_and_passes_a_layered_graph()
    {
        var layered = new Dictionary<string, IReadOnlySet<string>>
        {
            ["Calls"] = new HashSet<string> { "Storage", "Faults" },
            ["Workflow"] = new HashSet<string> { "Calls", "Storage" },
            ["Storage"] = new HashSet<string>(),
            ["Faults"] = new HashSet<string>(),
        };
        var tangled = new Dictionary<string, IReadOnlySet<string>>(layered)
        {
            ["Storage"] = new HashSet<string> { "Workflow" },
            ["Faults"] = new HashSet<string> { "Faults" },
        };

        Assert.Empty(NamespaceGraph.Cycles(layered));
        var cycles = NamespaceGraph.Cycles(tangled).Select(c => string.Join(" -> ", c)).ToList();
        Assert.Contains("Calls -> Storage -> Workflow -> Calls", cycles);
        Assert.Contains("Faults -> Faults", cycles);
    }

    [Fact]
    public void The_dependency_graph_sees_the_known_layering_of_core()
    {
        var graph = CoreDependencies();

        // A graph read wrongly (empty, or missing edges) would pass the cycle test for nothing.
        Assert.Contains("Storage", graph["Calls"]);
        Assert.Contains("Calls", graph["Workflow"]);
        Assert.Contains("Faults", graph["Twilio"]);
        Assert.Empty(graph["Storage"]);
    }

    /// <summary>For each <c>CallCenter.Core.*</c> namespace (short name), the others its types use.</summary>
    private static Dictionary<string, IReadOnlySet<string>> CoreDependencies()
    {
        var namespaces = Core.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith(Root, StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        return namespaces.ToDictionary(
            from => from[Root.Length..],
            from => (IReadOnlySet<string>)namespaces
                .Where(to => to != from && !Types.InAssembly(Core).That().ResideInNamespace(from).ShouldNot().HaveDependencyOn(to).GetResult().IsSuccessful)
                .Select(to => to[Root.Length..])
                .ToHashSet());
    }
}
