using System.Text.Json;
using System.Text.RegularExpressions;

namespace CallCenter.Infra.Tests;

/// <summary>azure.yaml, the bridge's Dockerfile and main.parameters.json agree with the repository.</summary>
public sealed partial class AzdLayoutTests
{
    [Fact]
    public void Azure_yaml_names_both_services_with_projects_that_exist()
    {
        var services = AzureYaml.Services();

        Assert.Equal(new[] { "functions", "media-bridge" }, services.Keys.Order(StringComparer.Ordinal));

        var functions = services["functions"];
        Assert.Equal("function", functions["host"]);
        Assert.Equal("dotnet", functions["language"]);
        Assert.Equal("./functions", functions["project"]);

        var bridge = services["media-bridge"];
        Assert.Equal("containerapp", bridge["host"]);
        Assert.Equal("dotnet", bridge["language"]);
        Assert.Equal("./media-bridge", bridge["project"]);

        foreach (var (name, service) in services)
        {
            var project = Repository.PathOf(service["project"]);
            Assert.True(Directory.Exists(project), $"{name}: no folder {project}");
            Assert.NotEmpty(Directory.GetFiles(project, "*.csproj"));
        }
    }

    [Fact]
    public void Bridge_dockerfile_exists_and_its_context_holds_the_shared_build_files()
    {
        var bridge = AzureYaml.Services()["media-bridge"];
        var project = Repository.PathOf(bridge["project"]);

        var dockerfile = Path.GetFullPath(Path.Combine(project, bridge.GetValueOrDefault("docker.path", "./Dockerfile")));
        Assert.True(File.Exists(dockerfile), $"no Dockerfile at {dockerfile}");

        var context = Path.GetFullPath(Path.Combine(project, bridge.GetValueOrDefault("docker.context", ".")));
        foreach (var needed in new[] { "core", "media-bridge", "Directory.Build.props", "Directory.Packages.props", "global.json" })
        {
            Assert.True(Path.Exists(Path.Combine(context, needed)), $"the build context {context} lacks {needed}");
        }

        // Every file the build stage copies exists in the context and is not excluded by .dockerignore.
        var ignored = DockerIgnore(context);
        foreach (var source in CopySources(File.ReadAllLines(dockerfile)))
        {
            Assert.True(Path.Exists(Path.Combine(context, source)), $"COPY {source}: not in the build context");
            Assert.DoesNotContain(source.TrimEnd('/').Split('/')[0] + "/", ignored);
        }
    }

    [Fact]
    public void Bridge_dockerfile_copies_every_project_the_bridge_builds_from()
    {
        var dockerfile = File.ReadAllLines(Repository.PathOf("media-bridge", "Dockerfile"));
        var copied = CopySources(dockerfile).Select(s => s.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);

        var projects = ProjectClosure(Repository.PathOf("media-bridge", "CallCenter.MediaBridge.csproj"));
        Assert.Contains("core", projects);
        foreach (var folder in projects)
        {
            Assert.True(copied.Contains(folder), $"the bridge builds from {folder}/ but the Dockerfile does not copy it");
        }
    }

    [Fact]
    public void Bridge_image_is_multi_stage_non_root_on_8080_without_spin_waiting()
    {
        var lines = File.ReadAllLines(Repository.PathOf("media-bridge", "Dockerfile"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

        var from = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, from.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 ", from[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0", from[1], StringComparison.Ordinal);

        var runtime = lines.SkipWhile(l => l != from[1]).ToList();
        var user = runtime.LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.NotNull(user);
        Assert.DoesNotMatch(@"^USER\s+(root|0)(:|$)", user);
        Assert.Contains("EXPOSE 8080 8081", runtime);
        Assert.Contains(runtime, l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.Contains("MediaBridge__Port=8080", StringComparison.Ordinal));
        Assert.Contains(runtime, l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.Contains("MediaBridge__InternalPort=8081", StringComparison.Ordinal));

        // The bridge binds its own two ports; the base image's HTTP_PORTS is cleared so Kestrel has nothing to override.
        Assert.Contains(runtime, l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.EndsWith("ASPNETCORE_HTTP_PORTS=", StringComparison.Ordinal));
        Assert.Contains(runtime, l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.Contains("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0", StringComparison.Ordinal));
        Assert.Contains(runtime, l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.Contains("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1", StringComparison.Ordinal));
        Assert.Contains(runtime, l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.Contains("DOTNET_GCgen0size=200000", StringComparison.Ordinal));

        // The container runs the Native AOT runtime, whose reader of DOTNET_ numbers takes hex digits only: a value
        // written with "0x" is refused and the setting silently keeps its default.
        Assert.DoesNotContain(runtime, l => l.StartsWith("ENV DOTNET_", StringComparison.Ordinal) && l.Contains("=0x", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(runtime, l => l.StartsWith("COPY --from=build ", StringComparison.Ordinal));
    }

    [Fact]
    public void Bridge_image_publishes_the_native_aot_binary_and_runs_it_without_a_dotnet_runtime()
    {
        var project = File.ReadAllText(Repository.PathOf("media-bridge", "CallCenter.MediaBridge.csproj"));
        Assert.Matches(@"<PublishAot>\s*true\s*</PublishAot>", project);

        // Instructions joined across their line continuations.
        var text = File.ReadAllText(Repository.PathOf("media-bridge", "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var runtimeStage = lines.FindIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal) && l.Contains(" AS runtime", StringComparison.Ordinal));
        Assert.True(runtimeStage > 0, "no runtime stage");
        var build = lines.Take(runtimeStage).ToList();
        var runtime = lines.Skip(runtimeStage).ToList();

        // The AOT toolchain links with clang against zlib; the publish names the runtime it compiles for.
        Assert.Contains(build, l => l.StartsWith("RUN ", StringComparison.Ordinal) && l.Contains("apt-get install", StringComparison.Ordinal)
            && l.Contains(" clang", StringComparison.Ordinal) && l.Contains(" zlib1g-dev", StringComparison.Ordinal));
        Assert.Contains(build, l => l.StartsWith("RUN dotnet restore ", StringComparison.Ordinal) && l.Contains("--runtime linux-x64", StringComparison.Ordinal));
        var publish = Assert.Single(build, l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        Assert.Contains("--runtime linux-x64", publish, StringComparison.Ordinal);
        Assert.DoesNotContain("PublishAot=false", publish, StringComparison.Ordinal);

        // The binary itself is the entry point: no `dotnet` host, no IL.
        Assert.Equal("ENTRYPOINT [\"./CallCenter.MediaBridge\"]", runtime.Last(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Parameters_file_binds_every_required_parameter_and_only_known_ones()
    {
        var main = (await InfraBuild.GetAsync()).Main.Root;
        var declared = main.Parameters().ToDictionary(p => p.Name, p => p.Value);

        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Infra, "main.parameters.json")));
        var bound = file.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString() ?? "");

        foreach (var (name, value) in bound)
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare");
            Assert.Matches(@"^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$", value);
        }

        foreach (var (name, declaration) in declared.Where(d => !d.Value.TryGetProperty("defaultValue", out _)))
        {
            Assert.True(bound.ContainsKey(name), $"required parameter '{name}' is not bound to an azd environment value");
        }

        Assert.Equal("${AZURE_ENV_NAME}", bound["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", bound["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", bound["principalId"]);
        Assert.Equal("${SERVICE_MEDIA_BRIDGE_IMAGE_NAME}", bound["mediaBridgeImageName"]);
    }

    /// <summary>Sources of the COPY instructions that read the build context (not another stage).</summary>
    private static IEnumerable<string> CopySources(IEnumerable<string> dockerfile)
    {
        foreach (var line in dockerfile.Select(l => l.Trim()))
        {
            if (!line.StartsWith("COPY ", StringComparison.Ordinal) || line.Contains("--from=", StringComparison.Ordinal))
            {
                continue;
            }

            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
            foreach (var source in words.Take(words.Count - 1))
            {
                yield return source;
            }
        }
    }

    /// <summary>Repository folders (relative, forward slashes) of a project and every project it references.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var path))
        {
            var folder = Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(path)!).Replace('\\', '/');
            if (!folders.Add(folder))
            {
                continue;
            }

            var xml = System.Xml.Linq.XDocument.Load(path);
            foreach (var reference in xml.Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")?.Value.Replace('\\', '/') ?? "";
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, include)));
            }
        }

        return folders;
    }

    private static HashSet<string> DockerIgnore(string context)
    {
        var path = Path.Combine(context, ".dockerignore");
        return File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal)
            : [];
    }

    /// <summary>
    /// Just enough of azure.yaml, read line by line: each service's scalar keys, with the docker block's keys
    /// prefixed "docker.". The file is ours and plain (two-space indents, no anchors or flow style).
    /// </summary>
    private static partial class AzureYaml
    {
        public static Dictionary<string, Dictionary<string, string>> Services()
        {
            var services = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            Dictionary<string, string>? current = null;
            string? block = null;
            var inServices = false;

            foreach (var raw in File.ReadAllLines(Repository.PathOf("azure.yaml")))
            {
                var line = StripComment(raw).TrimEnd();
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                var indent = line.Length - line.TrimStart().Length;
                var entry = KeyValue().Match(line.Trim());
                if (indent == 0)
                {
                    inServices = line == "services:";
                    current = null;
                    continue;
                }

                if (!inServices || !entry.Success)
                {
                    continue;
                }

                var (key, value) = (entry.Groups[1].Value, Unquote(entry.Groups[2].Value));
                switch (indent)
                {
                    case 2:
                        current = services[key] = new Dictionary<string, string>(StringComparer.Ordinal);
                        block = null;
                        break;
                    case 4 when current is not null:
                        block = value.Length == 0 ? key : null;
                        if (value.Length > 0)
                        {
                            current[key] = value;
                        }

                        break;
                    case 6 when current is not null && block is not null:
                        current[$"{block}.{key}"] = value;
                        break;
                }
            }

            return services;
        }

        private static string StripComment(string line)
        {
            var hash = line.IndexOf(" #", StringComparison.Ordinal);
            return line.TrimStart().StartsWith('#') ? "" : hash >= 0 ? line[..hash] : line;
        }

        private static string Unquote(string value) => value.Trim().Trim('"', '\'');

        [GeneratedRegex(@"^([A-Za-z0-9_.-]+):\s*(.*)$")]
        private static partial Regex KeyValue();
    }
}
