using System.Text.RegularExpressions;

namespace CallCenter.Infra.Tests;

/// <summary>The docs stay true to the tree they describe, and the repository stands alone.</summary>
public sealed partial class DocsTests
{
    private static readonly string[] TopFolders = ["bench", "core", "dashboard", "docs", "functions", "infra", "local", "media-bridge", "tests", "web"];

    [Fact]
    public void Every_repository_path_the_architecture_page_names_exists()
    {
        var text = File.ReadAllText(Repository.PathOf("docs", "ARCHITECTURE.md"));
        var named = RepositoryPaths(text).ToList();

        Assert.True(named.Count > 20, $"only {named.Count} paths found; has the page lost its map?");
        var missing = named.Where(p => !File.Exists(Repository.PathOf(p)) && !Directory.Exists(Repository.PathOf(p))).ToList();
        Assert.True(missing.Count == 0, "docs/ARCHITECTURE.md names paths that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_repository_path_the_other_docs_name_exists()
    {
        var missing = Directory.GetFiles(Repository.PathOf("docs"), "*.md").Append(Repository.PathOf("README.md"))
            .Where(doc => Path.GetFileName(doc) != "ARCHITECTURE.md")
            .SelectMany(doc => RepositoryPaths(File.ReadAllText(doc)).Select(p => (Doc: Path.GetFileName(doc), Path: p)))
            .Where(x => !File.Exists(Repository.PathOf(x.Path)) && !Directory.Exists(Repository.PathOf(x.Path)))
            .Select(x => $"{x.Doc}: {x.Path}")
            .ToList();

        Assert.True(missing.Count == 0, "docs name paths that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Nothing_in_the_repository_points_to_files_outside_it()
    {
        var offenders = RepositoryTextFiles()
            .Where(f => OutsideReference().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .ToList();

        Assert.True(offenders.Count == 0, "files pointing outside the repository: " + string.Join(", ", offenders));
    }

    /// <summary>Back-quoted names that start with a top-level folder, cut at the first wildcard or placeholder.</summary>
    private static IEnumerable<string> RepositoryPaths(string markdown) =>
        BackQuoted().Matches(markdown)
            .Select(m => m.Groups[1].Value.Trim())
            .Where(p => TopFolders.Any(t => p.StartsWith(t + "/", StringComparison.Ordinal)) && !p.Contains(' '))
            .Select(p => p.Split('*', '{', '<')[0].TrimEnd('/'))
            .Distinct();

    private static IEnumerable<string> RepositoryTextFiles()
    {
        string[] extensions = [".cs", ".md", ".json", ".bicep", ".yaml", ".yml", ".props", ".csproj", ".sh", ".js", ".cjs", ".html", ".c", ".txt"];
        var skip = new[] { "bin", "obj", "node_modules", ".git", ".local-data", "OpenAiSchema" };
        return Directory.EnumerateFiles(Repository.Root, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f)) || Path.GetFileName(f) == "run")
            .Where(f => !Path.GetRelativePath(Repository.Root, f).Split(Path.DirectorySeparatorChar).Any(skip.Contains))
            .Where(f => !f.EndsWith(nameof(DocsTests) + ".cs", StringComparison.Ordinal));
    }

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex BackQuoted();

    [GeneratedRegex(@"\.\./shared\b|/work/shared\b|\bshared/(ARCHITECTURE|PROTOCOLS|DURABLE-LOCAL|STYLE)\.md|\bshared/seed/")]
    private static partial Regex OutsideReference();
}
