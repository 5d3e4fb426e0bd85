using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CallCenter.Core.Calls;
using CallCenter.Core.WhatsApp;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CallCenter.Crm.Tests;

/// <summary>
/// Over 10,000 generated requests against every webhook and CRM route of the local host, from a fixed seed
/// (FUZZ_SEED overrides it): no answer is a 5xx, and the inputs that must be refused write nothing, as
/// snapshots of every table and blob of the host before and after them show.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FuzzTests(AzuriteFixture azurite, CrmHost host, ITestOutputHelper output) : IClassFixture<CrmHost>
{
    private const int DefaultSeed = 20_261_202;
    private const int Parallelism = 16;

    [Fact]
    public async Task Ten_thousand_generated_inputs_get_no_5xx_and_the_refused_ones_write_nothing()
    {
        await host.StartAsync(azurite);
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var inputs = new FuzzInputs(new Random(seed), await SeedAsync());
        var results = new ConcurrentBag<(string Phase, FuzzRequest Request, int Status)>();
        var clock = Stopwatch.StartNew();

        // Refused by construction: unsigned, unauthenticated, bad ids, bad bodies, forged continuations, odd reads.
        var before = await SnapshotAsync();
        await RunAsync("refused", results, [
            (2_000, inputs.UnsignedTwilio), (1_000, inputs.UnsignedMeta), (300, inputs.MetaVerify), (1_500, inputs.UnauthenticatedCrm),
            (1_500, inputs.BadPathId), (1_200, inputs.BadBody), (300, inputs.BadContinuation), (500, inputs.OddRead)]);
        var afterRefused = await SnapshotAsync();

        // Signed, yet with nothing storable: Meta bodies of null and unstorable messages, Twilio sids that are not ids.
        await RunAsync("signed-unstorable", results, [(800, inputs.SignedUnstorableMeta), (500, inputs.SignedBadTwilio)]);
        var afterUnstorable = await SnapshotAsync();

        // Signed and authenticated inputs that may well be accepted: only "never a 5xx" holds here.
        await RunAsync("accepted-or-refused", results, [(300, inputs.SignedTwilio), (60, inputs.SignedMeta), (300, inputs.AuthenticatedCrm)]);
        clock.Stop();

        Report(seed, results, clock.Elapsed);
        var failures = results.Where(r => r.Status >= 500).Select(r => $"{r.Status} {r.Request}").Take(10).ToList();
        Assert.True(failures.Count == 0, "5xx answers:\n" + string.Join("\n", failures));
        var accepted = results.Where(r => r.Phase == "refused" && r.Request.Method != HttpMethod.Get && r.Status < 300)
            .Select(r => $"{r.Status} {r.Request}").Take(10).ToList();
        Assert.True(accepted.Count == 0, "refused inputs answered 2xx:\n" + string.Join("\n", accepted));
        Assert.True(results.Count >= 10_000);
        Assert.True(afterRefused.ChangesSince(before) is [], string.Join("\n", afterRefused.ChangesSince(before)));
        Assert.True(afterUnstorable.ChangesSince(afterRefused) is [], string.Join("\n", afterUnstorable.ChangesSince(afterRefused)));
    }

    private async Task RunAsync(string phase, ConcurrentBag<(string, FuzzRequest, int)> results, IReadOnlyList<(int Count, Func<FuzzRequest> Make)> kinds)
    {
        var clock = Stopwatch.StartNew();
        // Generated up front, in order, so a seed always gives the same requests whatever the timing.
        var requests = kinds.SelectMany(k => Enumerable.Range(0, k.Count).Select(_ => k.Make())).ToList();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (request, ct) =>
        {
            using var message = request.ToMessage();
            using var response = await host.Http.SendAsync(message, ct);
            results.Add((phase, request, (int)response.StatusCode));
        });
        output.WriteLine($"{phase}: {requests.Count} requests in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private Task<StorageSnapshot> SnapshotAsync() => StorageSnapshot.TakeAsync(azurite.ConnectionString, host.TablePrefix, host.RecordingsContainer);

    /// <summary>A tenant with every kind of resource, and a second tenant whose continuation token the first must not use.</summary>
    private async Task<FuzzTargets> SeedAsync()
    {
        var tenant = "fz-" + Guid.NewGuid().ToString("N")[..8];
        var voice = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);
        var whatsApp = "+1666" + Random.Shared.Next(1_000_000, 9_999_999);
        var metaId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture);
        var key = await host.CreateTenantAsync(tenant, new { voiceNumbers = new[] { voice }, whatsAppNumber = whatsApp, metaPhoneNumberId = metaId });
        var (_, lead, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/leads", key, new { phone = "+972501230000", name = "Lead" });
        await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}/prompts/whatsapp", key, new { instructions = "Be brief." });
        var call = new Core.Calls.CallLog
        {
            TenantId = tenant, CallSid = "CA" + Guid.NewGuid().ToString("N"), Direction = Core.Calls.CallDirection.Inbound,
            From = "+972501230000", To = voice, CreatedAt = DateTimeOffset.UtcNow,
        };
        await host.Host.Services.GetRequiredService<CallLogStore>().CreateIfMissingAsync(call);
        var (message, _) = await host.Host.Services.GetRequiredService<WhatsAppStore>().AddInboundAsync(
            new InboundWhatsApp(tenant, WhatsAppProvider.Meta, "wamid.seed", "+972501230000", "Dana", "Hello", DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);

        var other = "fy-" + Guid.NewGuid().ToString("N")[..8];
        var otherKey = await host.CreateTenantAsync(other);
        foreach (var phone in new[] { "+972501231111", "+972501232222" })
        {
            await host.SendAsync(HttpMethod.Post, $"/api/tenants/{other}/leads", otherKey, new { phone });
        }

        var (_, page, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{other}/leads?limit=1", otherKey);
        return new FuzzTargets(
            host.Host.BaseUrl, tenant, key, key.Split('.')[2], other, otherKey, page.GetProperty("continuation").GetString()!,
            lead.GetProperty("id").GetString()!, call.CallSid, message.ConversationId, voice, whatsApp, metaId);
    }

    /// <summary>Counts per phase, route and status, as docs/reliability.md quotes them.</summary>
    private void Report(int seed, IEnumerable<(string Phase, FuzzRequest Request, int Status)> results, TimeSpan elapsed)
    {
        var all = results.ToList();
        var text = new StringBuilder($"seed {seed}: {all.Count} requests in {elapsed.TotalSeconds:F1} s\n");
        foreach (var phase in all.GroupBy(r => r.Phase))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{phase.Key}: {phase.Count()}\n");
            foreach (var route in phase.GroupBy(r => r.Request.Route).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var statuses = string.Join(", ", route.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));
                text.Append(CultureInfo.InvariantCulture, $"  {route.Key}: {route.Count()} → {statuses}\n");
            }
        }

        output.WriteLine(text.ToString());
        if (Environment.GetEnvironmentVariable("FUZZ_REPORT") is { Length: > 0 } file)
        {
            File.WriteAllText(file, text.ToString());
        }
    }
}
