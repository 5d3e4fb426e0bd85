using System.Text.Json;

namespace CallCenter.Infra.Tests;

/// <summary>
/// One `bicep build` of every file under infra/ and one `bicep lint` of main.bicep, shared by all tests
/// (the CLI takes seconds to start; the results do not change during a run).
/// </summary>
internal sealed class InfraBuild
{
    private static readonly Lazy<Task<InfraBuild>> Instance = new(CreateAsync);

    private InfraBuild(string outputDirectory, BicepRun build, BicepRun lint, ArmTemplate main)
    {
        OutputDirectory = outputDirectory;
        Build = build;
        Lint = lint;
        Main = main;
    }

    /// <summary>Where the compiled JSON of each file was written, mirroring infra/.</summary>
    public string OutputDirectory { get; }

    public BicepRun Build { get; }

    public BicepRun Lint { get; }

    /// <summary>main.bicep compiled: the modules are inlined as nested deployments.</summary>
    public ArmTemplate Main { get; }

    public static Task<InfraBuild> GetAsync() => Instance.Value;

    /// <summary>Every .bicep file under infra/, relative to infra/ with forward slashes.</summary>
    public static IReadOnlyList<string> BicepFiles() =>
        Directory.EnumerateFiles(Repository.Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.Infra, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static async Task<InfraBuild> CreateAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), "callcenter-infra-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(output);

        var build = await BicepCli.RunAsync("build", "--pattern", "infra/**/*.bicep", "--outdir", output).ConfigureAwait(false);
        var lint = await BicepCli.RunAsync("lint", "infra/main.bicep").ConfigureAwait(false);

        var mainJson = Path.Combine(output, "main.json");
        if (!File.Exists(mainJson))
        {
            throw new InvalidOperationException($"bicep build wrote no main.json.\n{build}");
        }

        var main = ArmTemplate.Parse(await File.ReadAllTextAsync(mainJson).ConfigureAwait(false));
        return new InfraBuild(output, build, lint, main);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A compiled ARM template and the nested deployments (modules) inside it.</summary>
internal sealed class ArmTemplate
{
    private ArmTemplate(string text, JsonDocument document)
    {
        Text = text;
        Root = new TemplateScope("main", document.RootElement, new Dictionary<string, JsonElement>(), null);
    }

    /// <summary>The whole compiled JSON as text.</summary>
    public string Text { get; }

    public TemplateScope Root { get; }

    public static ArmTemplate Parse(string json) => new(json, JsonDocument.Parse(json));

    /// <summary>Every template scope: main, then each module, depth first.</summary>
    public IEnumerable<TemplateScope> Scopes() => Root.SelfAndDescendants();

    /// <summary>Every declared (not `existing`) resource of every scope.</summary>
    public IEnumerable<ArmResource> Resources() => Scopes().SelectMany(s => s.Resources());

    public IEnumerable<ArmResource> ResourcesOfType(string type) =>
        Resources().Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));
}

internal sealed record ArmResource(TemplateScope Scope, string Key, JsonElement Element)
{
    public string Type => Element.GetProperty("type").GetString() ?? "";

    public string Name => Element.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";

    public JsonElement Properties => Element.TryGetProperty("properties", out var p) ? p : default;

    public override string ToString() => $"{Scope.Name}/{Key} ({Type})";
}
