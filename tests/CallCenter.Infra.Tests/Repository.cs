using System.Reflection;

namespace CallCenter.Infra.Tests;

/// <summary>Where things are: the repository root (the folder holding CallCenter.sln) and the Bicep CLI.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Infra => Path.Combine(Root, "infra");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The bicep executable inside the restored Azure.Bicep.CommandLine.linux-x64 package.</summary>
    public static string BicepExecutable
    {
        get
        {
            var path = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "BicepExecutable")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"The Bicep CLI was not found at '{path}'. Restore the test project so NuGet brings the Azure.Bicep.CommandLine.linux-x64 package.");
            }

            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CallCenter.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CallCenter.sln above {AppContext.BaseDirectory}.");
    }
}
