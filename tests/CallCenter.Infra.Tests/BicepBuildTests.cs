using System.Text.Json;

namespace CallCenter.Infra.Tests;

/// <summary>Every Bicep file compiles, and neither the compiler nor the linter has anything to say.</summary>
public sealed class BicepBuildTests
{
    // Off on purpose (see infra/bicepconfig.json): one is judged against today's date, the other asks a registry.
    private static readonly HashSet<string> RulesAllowedOff = ["use-recent-api-versions", "use-recent-module-versions"];

    public static TheoryData<string> BicepFiles() => new(InfraBuild.BicepFiles());

    [Fact]
    public void Infra_holds_main_and_its_modules()
    {
        var files = InfraBuild.BicepFiles();

        Assert.Contains("main.bicep", files);
        Assert.True(files.Count(f => f.StartsWith("modules/", StringComparison.Ordinal)) >= 5, string.Join(", ", files));
        Assert.True(File.Exists(Path.Combine(Repository.Infra, "main.parameters.json")));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task File_compiles_without_a_diagnostic(string file)
    {
        var build = await InfraBuild.GetAsync();

        var compiled = Path.Combine(build.OutputDirectory, Path.ChangeExtension(file, ".json"));
        Assert.True(File.Exists(compiled), $"no compiled {compiled}\n{build.Build}");
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(compiled)))
        {
            Assert.True(json.RootElement.TryGetProperty("$schema", out _));
        }

        var own = build.Build.Diagnostics.Where(d => d.Contains($"/infra/{file}(", StringComparison.Ordinal)).ToList();
        Assert.True(own.Count == 0, string.Join('\n', own));
    }

    [Fact]
    public async Task Build_succeeds_with_no_warning_or_error()
    {
        var build = await InfraBuild.GetAsync();

        Assert.True(build.Build.ExitCode == 0, build.Build.ToString());
        Assert.True(build.Build.Diagnostics.Count == 0, build.Build.ToString());
    }

    [Fact]
    public async Task Lint_of_main_reports_nothing()
    {
        var build = await InfraBuild.GetAsync();

        Assert.True(build.Lint.ExitCode == 0, build.Lint.ToString());
        Assert.True(build.Lint.Diagnostics.Count == 0, build.Lint.ToString());
        Assert.True(string.IsNullOrWhiteSpace(build.Lint.StandardOutput), build.Lint.StandardOutput);
    }

    [Fact]
    public void Linter_raises_every_rule_so_a_finding_fails_the_build_test()
    {
        var path = Path.Combine(Repository.Infra, "bicepconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });

        var core = config.RootElement.GetProperty("analyzers").GetProperty("core");
        Assert.True(!core.TryGetProperty("enabled", out var enabled) || enabled.GetBoolean(), "the linter is disabled");

        var rules = core.GetProperty("rules").EnumerateObject().ToList();
        Assert.True(rules.Count >= 30, $"only {rules.Count} rules configured");
        foreach (var rule in rules)
        {
            var level = rule.Value.GetProperty("level").GetString();
            if (RulesAllowedOff.Contains(rule.Name))
            {
                continue;
            }

            Assert.True(level is "warning" or "error", $"{rule.Name} is '{level}': only warning or error make a finding visible");
        }
    }
}
