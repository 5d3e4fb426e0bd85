using CallCenter.DevServices;

namespace CallCenter.Local.Tests;

/// <summary>
/// Debian's Chromium for the browser test: <c>CHROMIUM_PATH</c>, else <c>/usr/bin/chromium</c>, else installed
/// with apt-get when the test runs as root (as CI does); otherwise the test says what to install.
/// </summary>
internal static class Chromium
{
    private const string DebianPath = "/usr/bin/chromium";

    public static async Task<string> LocateOrInstallAsync(CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        if (File.Exists(DebianPath))
        {
            return DebianPath;
        }

        var aptGet = NodeTools.FindOnPath("apt-get");
        if (!OperatingSystem.IsLinux() || aptGet is null || Environment.UserName != "root")
        {
            throw new InvalidOperationException(
                "The dashboard test needs Chromium: install Debian's package (`sudo apt-get install chromium`) or set CHROMIUM_PATH.");
        }

        await using var gate = await NodeTools.LockAsync(Path.Combine(Path.GetTempPath(), "callcenter-chromium.lock"), ct);
        if (!File.Exists(DebianPath))
        {
            var quiet = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            string[] install = ["install", "-y", "--no-install-recommends", "chromium"];
            try
            {
                await NodeTools.RunAsync(aptGet, install, "/", ct, quiet);
            }
            catch (InvalidOperationException)
            {
                // A fresh machine's package lists may be empty or stale.
                await NodeTools.RunAsync(aptGet, ["update"], "/", ct, quiet);
                await NodeTools.RunAsync(aptGet, install, "/", ct, quiet);
            }
        }

        return DebianPath;
    }
}
