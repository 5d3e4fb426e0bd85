using System.Diagnostics;
using CallCenter.DevServices;
using CallCenter.Local.Host;
using CallCenter.Testing;

namespace CallCenter.Local.Tests;

/// <summary>
/// What a dashboard browser test class stands on: Chromium, the browser scripts' Playwright, and the whole local
/// product (<see cref="LocalStack"/>) on an Azurite of its own with the demo tenant seeded. xUnit disposes it
/// (the product, then Azurite) after the class, whether or not it started.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private static readonly string BrowserFolder = Path.Combine(AzuriteServer.RepositoryRoot(), "tests", "CallCenter.Local.Tests", "browser");

    private readonly AzuriteFixture _azurite = new();
    private LocalStack? _stack;
    private string? _chromium;

    public LocalStack Stack => _stack ?? throw new InvalidOperationException("The local product is not started.");

    public string AdminKey => Stack.Host.App.Configuration["Auth:AdminKey"]!;

    public Uri DashboardUrl => Dashboard.Url(Stack.Host.BaseUrl, DemoTenant.Id, AdminKey);

    /// <summary>The test output's screenshots folder, created.</summary>
    public static string ScreenshotFolder => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public string ChromiumPath => _chromium ?? throw new InvalidOperationException("Chromium is not located.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var ct = timeout.Token;
        _chromium = await Chromium.LocateOrInstallAsync(ct);
        await NodeTools.InstallAsync(BrowserFolder, Path.Combine("node_modules", "playwright-core", "package.json"), ct);
        await _azurite.InitializeAsync();
        _stack = await LocalStack.StartAsync(0, _azurite.ConnectionString, ct);
        await DemoTenant.SeedAsync(_stack.Host.Services, ct);
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    /// <summary>A script of the browser folder under node, its output and errors redirected for the test to read.</summary>
    public static Process StartBrowser(string script, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(NodeTools.Node())
        {
            WorkingDirectory = BrowserFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("node did not start");
    }
}
