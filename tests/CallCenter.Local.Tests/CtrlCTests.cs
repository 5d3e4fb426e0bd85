using System.Diagnostics;
using CallCenter.DevServices;
using CallCenter.Testing;
using Xunit.Abstractions;

namespace CallCenter.Local.Tests;

/// <summary>
/// Ctrl+C as a terminal sends it (SIGINT to the whole foreground process group, Azurite included) ends the run
/// command and everything it started within 10 s, whatever it was doing, and misspelt flags are refused.
/// </summary>
public sealed class CtrlCTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("callcenter-ctrl-c-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Ctrl_c_during_start_up_ends_every_process_within_ten_seconds_without_a_stack_trace()
    {
        using var run = await StartAsync("Starting Azurite", "--no-call");
        await Task.Delay(TimeSpan.FromSeconds(2)); // Azurite and the host are coming up

        await AssertCtrlCEndsEverythingAsync(run);
    }

    [Fact]
    public async Task Ctrl_c_at_idle_ends_every_process_within_ten_seconds()
    {
        using var run = await StartAsync("Serving until Ctrl+C.", "--no-call");
        Assert.Contains(run.GroupMembers(), m => m.Contains("(node)", StringComparison.Ordinal));

        await AssertCtrlCEndsEverythingAsync(run);
    }

    [Fact]
    public async Task Ctrl_c_mid_call_ends_every_process_within_ten_seconds()
    {
        using var run = await StartAsync(": ringing", "--calls", "1");
        await Task.Delay(TimeSpan.FromSeconds(1)); // the caller and the agent are talking

        await AssertCtrlCEndsEverythingAsync(run);
    }

    [Theory]
    [InlineData("--scenarioo")]
    [InlineData("--port")]
    [InlineData("--calls", "many")]
    [InlineData("restore", "--tenant", "demo")]
    public async Task A_flag_that_means_nothing_is_an_error_that_prints_the_usage(params string[] args)
    {
        using var run = LocalHostProcess.Start(args, new Dictionary<string, string>());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await run.Process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, run.Process.ExitCode);
        Assert.Contains("error: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting Azurite", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The run command with its own Azurite on free ports and a temporary folder, as a newcomer's run starts its
    /// own, once it has printed <paramref name="text"/>. A free port taken by another process on this shared
    /// machine before the run bound it is no finding here: that start is tried again.
    /// </summary>
    private async Task<LocalHostProcess> StartAsync(string text, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["Local__DataFolder"] = _data.FullName, ["Local__AzuriteBlobPort"] = "0" };
        for (var attempt = 1; ; attempt++)
        {
            var port = AzuriteServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var run = LocalHostProcess.Start(["--port", port, .. args], environment, ownProcessGroup: true);
            var deadline = DateTime.UtcNow.AddMinutes(4);
            while (!run.Output.Contains(text, StringComparison.Ordinal) && !run.Process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            if (run.Output.Contains(text, StringComparison.Ordinal))
            {
                return run;
            }

            run.Dispose();
            Assert.True(attempt < 3 && run.Output.Contains("address already in use", StringComparison.Ordinal), $"no '{text}' in:\n{run.Output}");
        }
    }

    private async Task AssertCtrlCEndsEverythingAsync(LocalHostProcess run)
    {
        var clock = Stopwatch.StartNew();
        await run.InterruptGroupAsync();
        while (run.GroupMembers().Count > 0 && clock.Elapsed < Limit + TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        var took = clock.Elapsed;
        log.WriteLine($"every process gone {took.TotalSeconds:0.0} s after SIGINT");
        var left = run.GroupMembers();
        Assert.True(left.Count == 0 && took < Limit, $"after {took.TotalSeconds:0.0} s still running: {string.Join(", ", left)}\n{run.Output}");
        await run.Process.WaitForExitAsync();
        Assert.Equal(0, run.Process.ExitCode);
        Assert.Contains("Stopped.", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Output, StringComparison.Ordinal);
    }
}
