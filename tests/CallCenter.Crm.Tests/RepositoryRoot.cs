namespace CallCenter.Crm.Tests;

/// <summary>The checkout the tests run from: the folder holding CallCenter.sln above the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "CallCenter.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Repository root not found.");
        }

        return root;
    }
}
