using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CallCenter.Core.Calls;
using CallCenter.Local.Host;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CallCenter.Local.Tests;

/// <summary>
/// The dashboard's Analytics, Calls, Callbacks and Webhooks tabs in headless Chromium against the local product:
/// every chart is drawn from exactly the analytics route's numbers, read back from the chart, and the calls list
/// is newest first. Screenshots of each tab land in the test output's screenshots folder.
/// </summary>
public sealed class DashboardTabsBrowserTests(DashboardFixture dashboard, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    private static readonly string[] Outcomes = ["completed", "transferred", "voicemail", "busy", "noAnswer", "failed", "canceled"];

    [Fact]
    public async Task Each_analytics_chart_holds_the_apis_numbers_and_the_calls_tab_lists_newest_first()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var ct = timeout.Token;
        var stack = dashboard.Stack;
        var key = dashboard.AdminKey;
        var folder = DashboardFixture.ScreenshotFolder;

        // Calls created in random CallSid order, an hour apart: the list must come back by time, not CallSid.
        var now = DateTimeOffset.UtcNow;
        var calls = Enumerable.Range(1, 8).Select(i => new CallLog
        {
            TenantId = DemoTenant.Id,
            CallSid = "CA" + Guid.NewGuid().ToString("N"),
            Direction = i % 3 == 0 ? CallDirection.Outbound : CallDirection.Inbound,
            From = i % 3 == 0 ? DemoTenant.Number : DemoTenant.LeadPhone,
            To = i % 3 == 0 ? DemoTenant.LeadPhone : DemoTenant.Number,
            CreatedAt = now.AddHours(-i),
        }).ToList();
        var store = stack.Host.Services.GetRequiredService<CallLogStore>();
        foreach (var call in calls.OrderBy(c => c.CallSid, StringComparer.Ordinal))
        {
            await store.CreateIfMissingAsync(call, ct);
        }

        var (from, to) = (now.AddDays(-6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var (analytics, stubFile) = await AnalyticsAsync(stack.Host.BaseUrl, key, from, to, ct);

        using var browser = DashboardFixture.StartBrowser("dashboard-tabs.mjs", [dashboard.DashboardUrl.AbsoluteUri, folder, dashboard.ChromiumPath, from, to, .. stubFile is null ? Array.Empty<string>() : [stubFile]]);
        var stdout = await browser.StandardOutput.ReadToEndAsync(ct);
        await browser.WaitForExitAsync(ct);
        Assert.True(browser.ExitCode == 0, await browser.StandardError.ReadToEndAsync(ct));
        output.WriteLine(stdout);
        var seen = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;

        Assert.Equal("4.6.1", seen.GetProperty("chartLoaded").GetString());
        var defaultRange = seen.GetProperty("defaultRange").EnumerateArray().Select(d => DateOnly.Parse(d.GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(6, defaultRange[1].DayNumber - defaultRange[0].DayNumber);

        var days = analytics["days"]!.AsArray();
        Assert.Equal(7, days.Count);
        var charts = seen.GetProperty("charts");
        var labels = days.Select(d => (string?)d!["date"]).ToList();
        foreach (var chart in new[] { "chart-outcomes", "chart-minutes", "chart-cost", "chart-latency" })
        {
            Assert.Equal(labels, charts.GetProperty(chart).GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        }

        var outcomeSets = charts.GetProperty("chart-outcomes").GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(Outcomes, outcomeSets.Select(s => s.GetProperty("label").GetString()));
        foreach (var (set, outcome) in outcomeSets.Zip(Outcomes))
        {
            Assert.Equal(days.Select(d => Number(d!["outcomes"]![outcome])), Numbers(set));
        }

        Assert.Equal(days.Select(d => Number(d!["minutes"])), Numbers(SingleSet(charts, "chart-minutes")));
        Assert.Equal(days.Select(d => Number(d!["cost"])), Numbers(SingleSet(charts, "chart-cost")));
        Assert.Equal(days.Select(d => Number(d!["p95LatencyMs"])), Numbers(SingleSet(charts, "chart-latency")));

        // The tenant's calls are these and the demo week the seed wrote; the first page (50) shows them newest first.
        var stored = (await store.ListAsync(DemoTenant.Id, ct)).OrderByDescending(c => c.CreatedAt).ToList();
        Assert.Subset(stored.Select(c => c.CallSid).ToHashSet(), calls.Select(c => c.CallSid).ToHashSet());
        Assert.Equal(stored.Take(50).Select(c => c.CallSid), seen.GetProperty("calls").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(stored.Where(c => c.Direction == CallDirection.Outbound).Take(50).Select(c => c.CallSid), seen.GetProperty("outbound").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("Answered by", seen.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        if (seen.GetProperty("detailSampled").GetBoolean())
        {
            // The contract's sample of a transferred call with a keypad turn (see dashboard-tabs.mjs).
            var detail = seen.GetProperty("detail");
            Assert.Contains("transferred", seen.GetProperty("outcome").GetString(), StringComparison.Ordinal);
            Assert.Contains("human", seen.GetProperty("outcome").GetString(), StringComparison.Ordinal);
            Assert.Contains("+15550009999", detail.GetProperty("transfer").GetString(), StringComparison.Ordinal);
            Assert.Contains("answered", detail.GetProperty("transfer").GetString(), StringComparison.Ordinal);
            Assert.Equal("greeting 820 ms · p50 640 ms · p95 910 ms · max 1200 ms", detail.GetProperty("latencyStats").GetString());
            Assert.Equal(["820", "640", "1200"], detail.GetProperty("latencyRows").EnumerateArray().Select(r => r[2].GetString()));
            Assert.Equal(["0.12", "0.0634", "0.1834"], detail.GetProperty("costRows").EnumerateArray().Select(r => r[4].GetString()));
            Assert.Equal("Total", detail.GetProperty("costRows")[2][0].GetString());
            Assert.Equal(["⌨ keypad: pressed 3"], detail.GetProperty("dtmf").EnumerateArray().Select(d => d.GetString()));
        }
        Assert.Empty(seen.GetProperty("errors").EnumerateArray());
        foreach (var shot in new[] { "analytics", "calls", "call-detail", "callbacks", "webhooks" })
        {
            var file = Path.Combine(folder, $"dashboard-{shot}.png");
            output.WriteLine($"screenshot: {file}");
            Assert.True(new FileInfo(file).Length > 10_000, file);
        }
    }

    /// <summary>
    /// The analytics route's answer for the range; where this build has no such route (404), the contract's
    /// JSON with made-up numbers, written to a file the browser script serves to the page for that route only.
    /// </summary>
    private async Task<(JsonObject Analytics, string? StubFile)> AnalyticsAsync(Uri baseUrl, string key, string from, string to, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{DemoTenant.Id}/analytics?from={from}&to={to}");
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsObject(), null);
        }

        output.WriteLine("The analytics route answered 404: the page gets the contract's JSON from the test instead.");
        var first = DateOnly.Parse(from, CultureInfo.InvariantCulture);
        var days = new JsonArray();
        for (var i = 0; i < 7; i++)
        {
            var outcomes = new JsonObject();
            for (var o = 0; o < Outcomes.Length; o++)
            {
                outcomes[Outcomes[o]] = (i * 3 + o * 2) % 7;
            }

            days.Add(new JsonObject
            {
                ["date"] = first.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["calls"] = Outcomes.Sum(o => (int)outcomes[o]!),
                ["outcomes"] = outcomes,
                ["minutes"] = 12.5 + i,
                ["cost"] = 1.2345 * (i + 1),
                ["p95LatencyMs"] = i == 3 ? 0 : 640 + (i * 37),
            });
        }

        var stub = new JsonObject { ["from"] = from, ["to"] = to, ["currency"] = "USD", ["days"] = days };
        var file = Path.Combine(Path.GetTempPath(), $"analytics-{Guid.NewGuid():N}.json");
        var json = stub.ToJsonString();
        await File.WriteAllTextAsync(file, json, ct);
        return (JsonNode.Parse(json)!.AsObject(), file); // read back as the page reads it: numbers from JSON text

    }

    private static JsonElement SingleSet(JsonElement charts, string chart) => Assert.Single(charts.GetProperty(chart).GetProperty("datasets").EnumerateArray());

    private static List<double?> Numbers(JsonElement set) =>
        set.GetProperty("data").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToList();

    private static double? Number(JsonNode? value) => value is null ? null : value.GetValue<double>();
}
