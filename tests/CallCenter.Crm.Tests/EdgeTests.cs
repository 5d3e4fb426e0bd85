using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CallCenter.Core.Tenants;
using CallCenter.Testing;

namespace CallCenter.Crm.Tests;

/// <summary>The API's edges, one rule each: charsets, ids, anchored patterns, continuations, unstorable messages, who issues keys.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EdgeTests(AzuriteFixture azurite, CrmHost host) : IClassFixture<CrmHost>
{
    [Theory]
    [InlineData("/api/twilio/voice")]
    [InlineData("/api/twilio/status")]
    [InlineData("/api/twilio/recording")]
    [InlineData("/api/whatsapp/twilio")]
    public async Task A_form_in_any_charset_but_UTF8_gets_415(string route)
    {
        await host.StartAsync(azurite);
        foreach (var charset in new[] { "utf-7", "iso-8859-1", "utf-16", "x-unknown" })
        {
            using var content = new ByteArrayContent("CallSid=CA1&To=%2B15550001111"u8.ToArray());
            content.Headers.TryAddWithoutValidation("Content-Type", $"application/x-www-form-urlencoded; charset={charset}");

            using var response = await host.Http.PostAsync(route, content);

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_JSON_body_in_another_charset_gets_415_and_changes_nothing()
    {
        await host.StartAsync(azurite);
        var tenant = "cs-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenant);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenant}/leads")
        {
            Content = new ByteArrayContent("{\"phone\":\"+15551234567\"}"u8.ToArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-7");
        request.Headers.Add("X-Api-Key", key);

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var (_, list, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/leads", key);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void Every_pattern_in_the_product_is_anchored_with_z_as_dollar_also_matches_before_a_final_newline()
    {
        var root = RepositoryRoot.Find();
        var offenders = new[] { "core", "web", "functions", "media-bridge", "local" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("Regex", StringComparison.Ordinal) || l.Text.Contains("RegularExpression", StringComparison.Ordinal))
            .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l.Text, "\"[^\"]*\\$\""))
            .Select(l => $"{Path.GetRelativePath(root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    [Fact]
    public async Task A_trailing_newline_makes_no_phone_no_tenant_id_and_no_meta_id()
    {
        await host.StartAsync(azurite);
        Assert.False(PhoneNumbers.IsE164("+15551234567\n"));
        Assert.False(TenantIds.IsValid("acme\n"));
        var tenant = "nl-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenant);

        Assert.Equal(201, (await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/leads", key, new { phone = "+15551234567" })).Status);
        var (status, problem, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/leads", key, new { phone = "+15551234567\n" });
        Assert.Equal(400, status);
        Assert.Contains("E.164", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Post, "/api/tenants", TestKeys.AdminKey, new { id = "nl-tenant\n", name = "N" })).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}", TestKeys.AdminKey, new { name = "N", voiceNumbers = new[] { "+15551239999\n" } })).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}", TestKeys.AdminKey, new { name = "N", metaPhoneNumberId = "1234567\n" })).Status);

        var (_, list, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/leads", key);
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("a%23b")]
    [InlineData("a%3Fb")]
    [InlineData("a%5Cb")]
    [InlineData("a%2Fb")]
    [InlineData("a%01b")]
    [InlineData("a%7Fb")]
    [InlineData("a%C2%85b")]
    [InlineData("ld123%0A")]
    public async Task An_id_Azure_Tables_refuses_gets_400_with_problem_details_on_every_id_route(string id)
    {
        await host.StartAsync(azurite);
        var tenant = "id-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenant);
        var paths = new (string Method, string Path)[]
        {
            ("GET", $"/api/tenants/{tenant}/leads/{id}"),
            ("PATCH", $"/api/tenants/{tenant}/leads/{id}"),
            ("GET", $"/api/tenants/{tenant}/calls/{id}"),
            ("GET", $"/api/tenants/{tenant}/calls/{id}/recording"),
            ("GET", $"/api/tenants/{tenant}/calls/{id}/workflow"),
            ("GET", $"/api/tenants/{tenant}/whatsapp/conversations/{id}"),
            ("DELETE", $"/api/tenants/{tenant}/keys/{id}"),
            ("GET", $"/api/tenants/{tenant}/prompts/{id}"),
            ("GET", $"/api/tenants/{tenant}/prompts/whatsapp/versions/{id}"),
            ("GET", $"/api/tenants/{id}"),
        };
        foreach (var (method, path) in paths)
        {
            var (status, body, raw) = await host.SendAsync(new HttpMethod(method), path, method == "GET" && path == $"/api/tenants/{id}" ? TestKeys.AdminKey : key, method == "PATCH" ? new { name = "x" } : null);

            Assert.True(status == 400, $"{method} {path}: {status} {raw}");
            Assert.Equal("The request is not valid", body.GetProperty("title").GetString());
        }

        var long1025 = new string('a', 1025);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/calls/{long1025}/recording", key)).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/calls", key, new { leadId = "a#b" })).Status);
    }

    [Fact]
    public async Task A_continuation_token_opens_only_its_own_tenants_listing()
    {
        await host.StartAsync(azurite);
        var a = "ca-" + Guid.NewGuid().ToString("N")[..8];
        var b = "cb-" + Guid.NewGuid().ToString("N")[..8];
        var keyA = await host.CreateTenantAsync(a);
        var keyB = await host.CreateTenantAsync(b);
        foreach (var (tenant, key) in new[] { (a, keyA), (b, keyB) })
        {
            for (var i = 0; i < 3; i++)
            {
                await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/leads", key, new { phone = $"+1555000{i}{i}{i}{i}" });
            }
        }

        var (_, page, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/leads?limit=1", keyA);
        var token = page.GetProperty("continuation").GetString()!;

        Assert.Equal(200, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/leads?limit=1&continuation={token}", keyA)).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{b}/leads?limit=1&continuation={token}", keyB)).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/calls?continuation={token}", keyA)).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/whatsapp/conversations?continuation={token}", keyA)).Status);
        var edited = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/leads?continuation={edited}", keyA)).Status);
        var unsealed = Convert.ToBase64String(Encoding.UTF8.GetBytes($"1!12!{b} 1!8!lead")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Get, $"/api/tenants/{a}/leads?continuation={unsealed}", keyA)).Status);
    }

    [Fact]
    public async Task A_signed_Meta_message_that_cannot_be_stored_is_answered_200_and_stores_nothing()
    {
        await host.StartAsync(azurite);
        var tenant = "mu-" + Guid.NewGuid().ToString("N")[..8];
        var phoneNumberId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture);
        var key = await host.CreateTenantAsync(tenant, new { metaPhoneNumberId = phoneNumberId });
        string Body(string text, string name = "Dana", string timestamp = "1749416383") =>
            MetaWhatsApp.Text(phoneNumberId, "972501230000", "wamid." + Guid.NewGuid().ToString("N"), text, name).Replace("1749416383", timestamp, StringComparison.Ordinal);

        var bodies = new[]
        {
            Body(new string('t', 40_000)),
            Body("hello", name: new string('n', 70_000)),
            Body("hello", timestamp: "99999999999999"),
            Body("hello", timestamp: "-1"),
            "{\"object\":\"whatsapp_business_account\",\"entry\":[null]}",
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[null]}]}",
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"" + phoneNumberId + "\"},\"messages\":[null],\"contacts\":[null],\"statuses\":[null]}}]}]}",
        };
        foreach (var body in bodies)
        {
            using var response = await host.Http.SendAsync(MetaWhatsApp.Request(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (_, conversations, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/whatsapp/conversations", key);
        Assert.Empty(conversations.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Only_the_admin_or_a_key_management_key_issues_keys_and_only_the_admin_grants_that_scope()
    {
        await host.StartAsync(azurite);
        var tenant = "ks-" + Guid.NewGuid().ToString("N")[..8];
        var plain = await host.CreateTenantAsync(tenant);
        var keys = $"/api/tenants/{tenant}/keys";

        Assert.Equal(403, (await host.SendAsync(HttpMethod.Post, keys, plain, new { name = "minted" })).Status);
        var (status, manager, raw) = await host.SendAsync(HttpMethod.Post, keys, TestKeys.AdminKey, new { name = "manager", scopes = new[] { "keys" } });
        Assert.True(status == 201, raw);
        Assert.Equal(["keys"], manager.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var managerKey = manager.GetProperty("key").GetString()!;

        var (mintedStatus, minted, _) = await host.SendAsync(HttpMethod.Post, keys, managerKey, new { name = "ci" });
        Assert.Equal(201, mintedStatus);
        Assert.Empty(minted.GetProperty("scopes").EnumerateArray());
        Assert.Equal(403, (await host.SendAsync(HttpMethod.Post, keys, managerKey, new { name = "escalate", scopes = new[] { "keys" } })).Status);
        Assert.Equal(400, (await host.SendAsync(HttpMethod.Post, keys, TestKeys.AdminKey, new { name = "odd", scopes = new[] { "admin" } })).Status);
        Assert.Equal(403, (await host.SendAsync(HttpMethod.Post, keys, minted.GetProperty("key").GetString()!, new { name = "chain" })).Status);

        // Revoked, the manager issues nothing more.
        Assert.Equal(204, (await host.SendAsync(HttpMethod.Delete, $"{keys}/{manager.GetProperty("keyId").GetString()}", TestKeys.AdminKey)).Status);
        Assert.Equal(401, (await host.SendAsync(HttpMethod.Post, keys, managerKey, new { name = "after" })).Status);
        var (_, list, _) = await host.SendAsync(HttpMethod.Get, keys, TestKeys.AdminKey);
        Assert.Equal(3, list.GetProperty("items").GetArrayLength());
        Assert.Contains(list.GetProperty("items").EnumerateArray(), k => k.GetProperty("scopes").GetArrayLength() == 1 && k.TryGetProperty("revokedAt", out var at) && at.ValueKind == JsonValueKind.String);
    }
}
