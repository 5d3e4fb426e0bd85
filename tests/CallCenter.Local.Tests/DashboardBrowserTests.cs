using System.Diagnostics;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Local.Host;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CallCenter.Local.Tests;

/// <summary>
/// The dashboard in headless Chromium against the whole local product: a simulated call appears live with its
/// transcript, then its detail shows the stored transcript and a recording the browser plays; the leads,
/// prompt (versions and preview) and WhatsApp tabs show the demo tenant's data.
/// </summary>
public sealed class DashboardBrowserTests(DashboardFixture dashboard, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task A_simulated_call_appears_live_then_its_detail_shows_the_transcript_and_a_playable_recording()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var ct = timeout.Token;
        var stack = dashboard.Stack;
        var screenshot = Path.Combine(DashboardFixture.ScreenshotFolder, "dashboard-call.png");

        using var browser = DashboardFixture.StartBrowser("watch-call.mjs", [dashboard.DashboardUrl.AbsoluteUri, screenshot, dashboard.ChromiumPath]);
        var lines = ReadLines(browser);
        Assert.Equal("READY", await NextLineAsync(lines, browser, ct));

        var call = await new PhoneNetwork(stack).CallInAsync(DemoTenant.LeadPhone, DemoTenant.Number, output.WriteLine, ct);
        var report = await NextLineAsync(lines, browser, ct);
        output.WriteLine(report);
        output.WriteLine($"screenshot: {screenshot}");
        var seen = JsonDocument.Parse(report).RootElement;

        Assert.Equal(call.CallSid, seen.GetProperty("callSid").GetString());
        Assert.NotEqual("finished", seen.GetProperty("stateWhileTalking").GetString());
        var stored = await stack.Host.Services.GetRequiredService<TurnStore>().ListAsync(DemoTenant.Id, call.CallSid, ct);
        Assert.True(stored.Count >= 2, $"{stored.Count} turns stored");
        var expected = stored.Select(t => $"{t.Role}: {t.Text}").ToList();
        Assert.Equal(expected, seen.GetProperty("liveLines").EnumerateArray().Select(l => l.GetString()!).ToList());
        Assert.Equal(expected.Select(e => e.ToLowerInvariant()), seen.GetProperty("transcript").EnumerateArray().Select(l => l.GetString()!.ToLowerInvariant()));
        var log = await stack.Host.Services.GetRequiredService<CallLogStore>().GetAsync(DemoTenant.Id, call.CallSid, ct);
        Assert.Equal(log!.Summary, seen.GetProperty("summary").GetString());
        var recording = seen.GetProperty("recording");
        Assert.True(recording.GetProperty("duration").GetDouble() > 0.5, recording.ToString());
        Assert.True(recording.GetProperty("played").GetDouble() > 0, recording.ToString());
        Assert.Contains(seen.GetProperty("leads").EnumerateArray(), l => l.GetString()!.Contains(DemoTenant.LeadPhone, StringComparison.Ordinal));
        Assert.True(seen.GetProperty("promptVersions").GetInt32() >= 1);
        Assert.Contains("Demo Plumbing", seen.GetProperty("preview").GetString(), StringComparison.Ordinal);
        Assert.Equal(["No conversation yet."], seen.GetProperty("whatsapp").EnumerateArray().Select(w => w.GetString()));
        Assert.Empty(seen.GetProperty("errors").EnumerateArray());
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        await browser.WaitForExitAsync(ct);
        Assert.Equal(0, browser.ExitCode);
    }

    private static IAsyncEnumerator<string?> ReadLines(Process process)
    {
        return Lines().GetAsyncEnumerator();

        async IAsyncEnumerable<string?> Lines()
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                yield return line;
            }

            yield return null;
        }
    }

    /// <summary>The script's next line; when it ends instead, its error output explains why.</summary>
    private static async Task<string> NextLineAsync(IAsyncEnumerator<string?> lines, Process process, CancellationToken ct)
    {
        if (await lines.MoveNextAsync().AsTask().WaitAsync(ct) && lines.Current is { } line)
        {
            return line;
        }

        await process.WaitForExitAsync(ct);
        throw new InvalidOperationException($"The browser script ended ({process.ExitCode}): {await process.StandardError.ReadToEndAsync(ct)}");
    }
}
