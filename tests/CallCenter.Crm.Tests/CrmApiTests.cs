using System.Net;
using System.Text;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Testing;
using CallCenter.Web;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Crm.Tests;

/// <summary>The CRM API through the local host: isolation, validation, paging.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrmApiTests(AzuriteFixture azurite, CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task Every_tenant_route_tried_with_another_tenants_key_answers_404_and_leaks_nothing()
    {
        await host.StartAsync(azurite);
        var b = await SeedTenantAsync("vb-" + Guid.NewGuid().ToString("N")[..8]);
        var attacker = "va-" + Guid.NewGuid().ToString("N")[..8];
        var attackerKey = await host.CreateTenantAsync(attacker);

        var tenantRoutes = ApiRoutes.All.Where(r => r.Path.StartsWith("/api/tenants/{tenantId}", StringComparison.Ordinal)).ToList();
        Assert.Equal(33, tenantRoutes.Count);
        foreach (var route in tenantRoutes)
        {
            var path = route.Path
                .Replace("{tenantId}", b.Tenant).Replace("{keyId}", b.KeyId).Replace("{leadId}", b.LeadId).Replace("{callId}", b.CallSid)
                .Replace("{channel}", "whatsapp").Replace("{version}", "1").Replace("{conversationId}", b.ConversationId)
                .Replace("{webhookId}", "we0123456789abcdef").Replace("{deliveryId}", "wd0000000000000000001" + "0123456789ab")
                .Replace("{callbackId}", "CB" + new string('a', 32));
            var body = route.Method is "POST" or "PUT" or "PATCH" ? ValidBody(route.Name, b.LeadId) : null;

            var (status, _, raw) = await host.SendAsync(new HttpMethod(route.Method), path, attackerKey, body);

            Assert.True(status == 404, $"{route.Method} {path} answered {status}: {raw}");
            foreach (var secret in new[] { b.LeadId, b.CallSid, "+972501230000", "Secret prompt", "Secret lead" })
            {
                Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
            }
        }

        // Nothing was written by the attempts: B's lead, key and prompt are as they were.
        var (_, lead, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b.Tenant}/leads/{b.LeadId}", b.Key);
        Assert.Equal("Secret lead", lead.GetProperty("name").GetString());
        var (_, keys, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b.Tenant}/keys", b.Key);
        Assert.All(keys.GetProperty("items").EnumerateArray(), k => Assert.False(k.TryGetProperty("revokedAt", out _)));
        var (_, prompt, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b.Tenant}/prompts/whatsapp", b.Key);
        Assert.Equal(1, prompt.GetProperty("currentVersion").GetInt32());
        Assert.Equal(1, prompt.GetProperty("versions").GetArrayLength());

        // The same routes with B's own key find B's data, so the 404s above are isolation, not absence.
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b.Tenant}/calls/{b.CallSid}", b.Key)).Status);
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b.Tenant}/whatsapp/conversations/{b.ConversationId}", b.Key)).Status);
    }

    [Fact]
    public async Task Admin_routes_answer_404_to_tenant_keys_and_every_route_answers_401_without_a_valid_key()
    {
        await host.StartAsync(azurite);
        var tenant = "ad-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenant);

        Assert.Equal(404, (await host.SendAsync(HttpMethod.Get, "/api/tenants", key)).Status);
        Assert.Equal(404, (await host.SendAsync(HttpMethod.Post, "/api/tenants", key, new { id = "sneaky-one", name = "x" })).Status);
        Assert.Equal(403, (await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}", key, new { name = "renamed" })).Status);
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}", key)).Status);

        foreach (var route in ApiRoutes.All.Where(r => r.Auth is "admin" or "tenant"))
        {
            var path = route.Path.Replace("{tenantId}", tenant).Replace("{channel}", "whatsapp").Replace("{version}", "1")
                .Replace("{keyId}", "0123456789ab").Replace("{leadId}", "ld1").Replace("{callId}", "CA1").Replace("{conversationId}", "wa1");
            foreach (var presented in new string?[] { null, "cck." + tenant + ".0123456789ab.forged" })
            {
                var (status, _, raw) = await host.SendAsync(new HttpMethod(route.Method), path, presented, new { });
                Assert.True(status == 401, $"{route.Method} {path} answered {status}: {raw}");
            }
        }

        using var bearer = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenant}");
        bearer.Headers.Authorization = new("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(bearer)).StatusCode);

        var (_, keys, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/keys", key);
        var keyId = keys.GetProperty("items")[0].GetProperty("keyId").GetString();
        Assert.Equal(204, (await host.SendAsync(HttpMethod.Delete, $"/api/tenants/{tenant}/keys/{keyId}", TestKeys.AdminKey)).Status);
        Assert.Equal(401, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}", key)).Status);
    }

    [Fact]
    public async Task Malformed_json_unknown_fields_oversized_bodies_and_bad_phones_answer_400_problem_details_and_write_nothing()
    {
        await host.StartAsync(azurite);
        var tenant = "vl-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenant);
        var leads = $"/api/tenants/{tenant}/leads";

        var cases = new (string Path, string Method, string Body, string Why)[]
        {
            (leads, "POST", "{\"phone\": \"+972501234567\",", "malformed JSON"),
            (leads, "POST", "{\"phone\": \"+972501234567\", \"tenantId\": \"other\"}", "unknown field"),
            (leads, "POST", "{\"phone\": \"0501234567\"}", "phone not E.164"),
            (leads, "POST", "{\"phone\": \"+972501234567\", \"status\": \"vip\"}", "unknown status"),
            (leads, "POST", "{\"phone\": \"+972501234567\", \"notes\": \"" + new string('x', CrmAccess.MaxBodyBytes) + "\"}", "oversized body"),
            (leads, "POST", "[1, 2]", "not an object"),
            ($"/api/tenants/{tenant}/prompts/whatsapp", "PUT", "{\"instructions\": \"\"}", "empty prompt"),
            ($"/api/tenants/{tenant}/prompts/whatsapp", "PUT", "{\"instructions\": \"x\", \"temperature\": 2}", "unknown prompt field"),
            ("/api/tenants", "POST", "{\"id\": \"new-tenant-x\", \"name\": \"N\", \"voiceNumbers\": [\"12345\"]}", "bad voice number"),
        };
        foreach (var (path, method, body, why) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", path == "/api/tenants" ? TestKeys.AdminKey : key);
            using var response = await host.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"{leads}?phone=12345", key)).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"{leads}?limit=0", key)).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"{leads}?continuation=%%%", key)).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/calls?from=yesterday", key)).Status);

        var (_, list, _) = await host.SendAsync(HttpMethod.Get, leads, key);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        var (_, prompt, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/prompts/whatsapp", key);
        Assert.Equal(0, prompt.GetProperty("currentVersion").GetInt32());
        Assert.Equal(404, (await host.SendAsync(HttpMethod.Get, "/api/tenants/new-tenant-x", TestKeys.AdminKey)).Status);
    }

    [Fact]
    public async Task Leads_page_through_opaque_continuation_tokens_and_are_found_by_phone_and_status()
    {
        await host.StartAsync(azurite);
        var tenant = "pg-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenant);
        for (var i = 0; i < 5; i++)
        {
            var (status, _, raw) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/leads", key,
                new { phone = $"+97250000000{i}", name = $"Lead {i}", status = i % 2 == 0 ? "new" : "qualified" });
            Assert.True(status == 201, raw);
        }

        Assert.Equal(409, (await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/leads", key, new { phone = "+972500000000" })).Status);

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var query = continuation is null ? "" : "&continuation=" + continuation;
            var (_, page, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/leads?limit=2{query}", key);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("phone").GetString()!));
            continuation = page.TryGetProperty("continuation", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            pages++;
        }
        while (continuation is not null && pages < 10);

        Assert.Equal(5, seen.Distinct().Count());
        Assert.True(pages >= 3);

        var (_, qualified, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/leads?status=qualified", key);
        Assert.Equal(2, qualified.GetProperty("items").GetArrayLength());
        var (_, byPhone, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/leads?phone=%2B972500000003", key);
        var found = Assert.Single(byPhone.GetProperty("items").EnumerateArray());
        Assert.Equal("Lead 3", found.GetProperty("name").GetString());

        var (patchStatus, patched, _) = await host.SendAsync(HttpMethod.Patch, $"/api/tenants/{tenant}/leads/{found.GetProperty("id").GetString()}", key, new { status = "customer" });
        Assert.Equal(200, patchStatus);
        Assert.Equal("customer", patched.GetProperty("status").GetString());
        Assert.Equal("+972500000003", patched.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task Calls_are_listed_by_date_and_by_lead_and_the_detail_has_turns_summary_source_and_links()
    {
        await host.StartAsync(azurite);
        var b = await SeedTenantAsync("cl-" + Guid.NewGuid().ToString("N")[..8]);
        var calls = host.Host.Services.GetRequiredService<CallLogStore>();
        var old = new CallLog
        {
            TenantId = b.Tenant, CallSid = "CA" + Guid.NewGuid().ToString("N"), Direction = CallDirection.Inbound,
            From = "+972501239999", To = "+15550009999", CreatedAt = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero),
        };
        await calls.CreateIfMissingAsync(old);

        var (_, january, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b.Tenant}/calls?from=2026-01-01&to=2026-02-01", b.Key);
        Assert.Equal([old.CallSid], january.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var (_, byLead, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b.Tenant}/calls?leadId={b.LeadId}", b.Key);
        Assert.Equal([b.CallSid], byLead.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        var (status, detail, raw) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b.Tenant}/calls/{b.CallSid}", b.Key);
        Assert.True(status == 200, raw);
        Assert.Equal("realtime", detail.GetProperty("transcriptSource").GetString());
        Assert.Equal("Booked a table.", detail.GetProperty("summary").GetString());
        Assert.Equal(2, detail.GetProperty("turns").GetArrayLength());
        Assert.Equal($"/api/tenants/{b.Tenant}/calls/{b.CallSid}/recording", detail.GetProperty("links").GetProperty("recording").GetString());
        Assert.Equal($"/api/tenants/{b.Tenant}/calls/{b.CallSid}/workflow", detail.GetProperty("links").GetProperty("workflow").GetString());
    }

    private static object ValidBody(string route, string leadId) => route switch
    {
        "PutTenant" => new { name = "Taken over" },
        "CreateApiKey" => new { name = "stolen" },
        "CreateLead" => new { phone = "+972501230000" },
        "PatchLead" => new { name = "Stolen" },
        "PutPrompt" => new { instructions = "Hijacked" },
        "PreviewPrompt" => new { leadId },
        "PlaceCall" => new { leadId },
        "CreateWebhook" => new { url = "http://127.0.0.1:9/hook", events = new[] { "call.completed" } },
        "CreateCallback" => new { leadId, at = DateTimeOffset.UtcNow.AddDays(1).ToString("O"), reason = "stolen" },
        _ => new { },
    };

    private sealed record Seeded(string Tenant, string Key, string KeyId, string LeadId, string CallSid, string ConversationId);

    /// <summary>A tenant with a key, a lead, a call with turns and a summary, a prompt and a WhatsApp conversation.</summary>
    private async Task<Seeded> SeedTenantAsync(string tenant)
    {
        var phoneNumberId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = await host.CreateTenantAsync(tenant, new { metaPhoneNumberId = phoneNumberId });
        var (_, keys, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/keys", key);
        var (_, lead, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/leads", key, new { phone = "+972501230000", name = "Secret lead" });
        var leadId = lead.GetProperty("id").GetString()!;
        await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}/prompts/whatsapp", key, new { instructions = "Secret prompt" });

        var services = host.Host.Services;
        var call = new CallLog
        {
            TenantId = tenant, CallSid = "CA" + Guid.NewGuid().ToString("N"), Direction = CallDirection.Inbound,
            From = "+972501230000", To = "+15550001234", LeadId = leadId, CreatedAt = DateTimeOffset.UtcNow,
            Summary = "Booked a table.", TranscriptSource = TranscriptSource.Realtime, FinalTranscript = "Hello. Hi.",
        };
        await services.GetRequiredService<CallLogStore>().CreateIfMissingAsync(call);
        await services.GetRequiredService<TurnStore>().AppendAsync(tenant,
        [
            new ConversationTurn(call.CallSid, 1, TurnRole.Caller, "Hello", TimeSpan.Zero),
            new ConversationTurn(call.CallSid, 2, TurnRole.Agent, "Hi", TimeSpan.FromSeconds(1)),
        ]);

        var body = MetaWhatsApp.Text(phoneNumberId, "972501230000", "wamid.seed" + Guid.NewGuid().ToString("N"), "Secret lead here");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(MetaWhatsApp.Request(body))).StatusCode);

        return new Seeded(tenant, key, keys.GetProperty("items")[0].GetProperty("keyId").GetString()!, leadId, call.CallSid, "wa972501230000");
    }
}
