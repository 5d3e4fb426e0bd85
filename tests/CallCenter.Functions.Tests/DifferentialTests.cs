using System.Text.RegularExpressions;
using Azure.Data.Tables;
using CallCenter.Core.Storage;
using CallCenter.Core.WhatsApp;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Functions.Tests;

/// <summary>
/// The same signed and unsigned requests to the Functions app's triggers and to the local host: the same
/// status, content type and body (ids, times and tokens aside), and the same rows stored.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed partial class DifferentialTests(FunctionsFixture fixture)
{
    [Fact]
    public async Task Both_hosts_answer_the_same_requests_alike_and_store_the_same_rows()
    {
        var tenantId = "d-" + FunctionsFixture.Unique();
        var number = Requests.NewNumber();
        var phoneNumberId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var callSid = TwilioCall.NewCallSid();
        var waId = Requests.NewNumber()[1..];
        var wamid = "wamid." + FunctionsFixture.Unique();
        var url = fixture.Local.BaseUrl;
        var tenant = new { id = tenantId, name = "Differential", voiceNumbers = new[] { number }, metaPhoneNumberId = phoneNumberId };
        var twilioWhatsApp = new Dictionary<string, string> { ["AccountSid"] = FunctionsFixture.AccountSid, ["From"] = "whatsapp:+15557654321", ["To"] = "whatsapp:" + number, ["Body"] = "hi", ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N") };

        (string Name, Func<HttpRequestMessage> Request)[] requests =
        [
            ("health", () => Requests.Api(url, HttpMethod.Get, "/api/health", null)),
            ("create tenant without a key", () => Requests.Api(url, HttpMethod.Post, "/api/tenants", null, tenant)),
            ("create tenant", () => Requests.Api(url, HttpMethod.Post, "/api/tenants", TestKeys.AdminKey, tenant)),
            ("create tenant again", () => Requests.Api(url, HttpMethod.Post, "/api/tenants", TestKeys.AdminKey, tenant)),
            ("get tenant with a wrong key", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}", "wrong-key")),
            ("get tenant", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}", TestKeys.AdminKey)),
            ("create lead with a bad body", () => Requests.Api(url, HttpMethod.Post, $"/api/tenants/{tenantId}/leads", TestKeys.AdminKey, new { phone = "not a number", surprise = 1 })),
            ("voice unsigned", () => TwilioCall.Request(url, "/api/twilio/voice", TwilioCall.Voice(callSid, number), signWith: null)),
            ("voice signed with another token", () => TwilioCall.Request(url, "/api/twilio/voice", TwilioCall.Voice(callSid, number), signWith: "not-the-auth-token-0123456789abcd")),
            ("voice", () => TwilioCall.Request(url, "/api/twilio/voice", TwilioCall.Voice(callSid, number))),
            ("status unsigned", () => TwilioCall.Request(url, "/api/twilio/status", TwilioCall.Status(callSid, number, "completed", 3), signWith: null)),
            ("status", () => TwilioCall.Request(url, "/api/twilio/status", TwilioCall.Status(callSid, number, "in-progress", 2))),
            ("recording forged", () => TwilioCall.Request(url, "/api/twilio/recording", TwilioCall.Recording(callSid, "RE" + callSid[2..], fixture.Twilio.RecordingUrl("RE1")), signWith: "forged-token-0123456789abcdef0123")),
            ("meta verify with a wrong token", () => Requests.Api(url, HttpMethod.Get, "/api/whatsapp/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42", null)),
            ("meta unsigned", () => MetaWhatsApp.Request(url, MetaWhatsApp.Text(phoneNumberId, waId, wamid, "Hello"), signature: null)),
            ("meta with a wrong signature", () => MetaWhatsApp.Request(url, MetaWhatsApp.Text(phoneNumberId, waId, wamid, "Hello"), signature: "sha256=" + new string('0', 64))),
            ("meta", () => MetaWhatsApp.Request(url, MetaWhatsApp.Text(phoneNumberId, waId, wamid, "Hello"))),
            ("twilio whatsapp unsigned", () => TwilioCall.Request(url, "/api/whatsapp/twilio", twilioWhatsApp, signWith: null)),
            ("list calls", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/calls", TestKeys.AdminKey)),
            ("get call", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/calls/{callSid}", TestKeys.AdminKey)),

            // Every CRM trigger once, with the table's handler on the local side: the same scope, body and services.
            ("put tenant", () => Requests.Api(url, HttpMethod.Put, $"/api/tenants/{tenantId}", TestKeys.AdminKey, tenant with { name = "Renamed" })),
            ("list keys", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/keys", TestKeys.AdminKey)),
            ("create key without a name", () => Requests.Api(url, HttpMethod.Post, $"/api/tenants/{tenantId}/keys", TestKeys.AdminKey, new { scopes = new[] { "keys" } })),
            ("revoke an unknown key", () => Requests.Api(url, HttpMethod.Delete, $"/api/tenants/{tenantId}/keys/0123456789ab", TestKeys.AdminKey)),
            ("create lead", () => Requests.Api(url, HttpMethod.Post, $"/api/tenants/{tenantId}/leads", TestKeys.AdminKey, new { phone = "+972501234567", name = "Dana", status = "qualified" })),
            ("find lead by phone", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/leads?phone=%2B972501234567", TestKeys.AdminKey)),
            ("list leads by status", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/leads?status=qualified", TestKeys.AdminKey)),
            ("get an unknown lead", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/leads/ld0", TestKeys.AdminKey)),
            ("patch an unknown lead", () => Requests.Api(url, HttpMethod.Patch, $"/api/tenants/{tenantId}/leads/ld0", TestKeys.AdminKey, new { name = "x" })),
            ("place call with a bad number", () => Requests.Api(url, HttpMethod.Post, $"/api/tenants/{tenantId}/calls", TestKeys.AdminKey, new { to = "nope" })),
            ("recording link", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/calls/{callSid}/recording", TestKeys.AdminKey)),
            ("put prompt", () => Requests.Api(url, HttpMethod.Put, $"/api/tenants/{tenantId}/prompts/whatsapp", TestKeys.AdminKey, new { instructions = "Be brief.", businessFacts = "Open 9-5." })),
            ("get prompt", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/prompts/whatsapp", TestKeys.AdminKey)),
            ("get prompt version", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/prompts/whatsapp/versions/1", TestKeys.AdminKey)),
            ("activate prompt version", () => Requests.Api(url, HttpMethod.Post, $"/api/tenants/{tenantId}/prompts/whatsapp/versions/1/activate", TestKeys.AdminKey)),
            ("preview prompt", () => Requests.Api(url, HttpMethod.Post, $"/api/tenants/{tenantId}/prompts/voice-inbound/preview", TestKeys.AdminKey)),
            ("get an unknown channel", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/prompts/fax", TestKeys.AdminKey)),
            ("list conversations", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/whatsapp/conversations", TestKeys.AdminKey)),
        ];

        foreach (var (name, request) in requests)
        {
            await AssertAnsweredAlikeAsync(name, request);
        }

        // The signed message started a reply workflow in each host; compare once both are done.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var instanceId = WhatsAppWorkflowNames.InstanceId(wamid);
        await fixture.Local.Services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(instanceId, cancellation: timeout.Token);
        await fixture.Durable.WaitForInstanceCompletionAsync(instanceId, cancellation: timeout.Token);
        await AssertAnsweredAlikeAsync("get conversation", () => Requests.Api(url, HttpMethod.Get, $"/api/tenants/{tenantId}/whatsapp/conversations/wa{waId}", TestKeys.AdminKey));

        string[] ours = [tenantId, callSid, waId];
        var localRows = await RowsAsync(fixture.Local.Services.GetRequiredService<CallCenterTables>(), ours);
        var functionRows = await RowsAsync(fixture.Get<CallCenterTables>(), ours);
        Assert.Contains(localRows, r => r.StartsWith("Calls: ", StringComparison.Ordinal));
        Assert.Contains(localRows, r => r.StartsWith("WhatsApp: ", StringComparison.Ordinal));
        var differ = localRows.Except(functionRows).Concat(functionRows.Except(localRows));
        Assert.True(localRows.SequenceEqual(functionRows), string.Join('\n', differ));
    }

    private async Task AssertAnsweredAlikeAsync(string name, Func<HttpRequestMessage> request)
    {
        using var response = await fixture.LocalHttp.SendAsync(request());
        var local = new HttpAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
        var functions = await fixture.Http.SendAsync(request());
        Assert.True(local.Status < 500, $"{name}: {local}");
        Assert.True(Normalize(local) == Normalize(functions), $"{name}:\nlocal     {local}\nfunctions {functions}");
    }

    private static HttpAnswer Normalize(HttpAnswer answer) => answer with { Body = Volatile(answer.Body) };

    /// <summary>What differs between two runs of the same request: generated ids, clock times, signed tokens.</summary>
    private static string Volatile(string text)
    {
        text = StreamToken().Replace(text, "name=\"token\" value=\"<token>\"");
        text = IsoTime().Replace(text, "<time>");
        return HexId().Replace(text, "<id>");
    }

    /// <summary>Every row of the product's tables that mentions one of <paramref name="ours"/>, without volatile parts.</summary>
    private static async Task<List<string>> RowsAsync(CallCenterTables tables, string[] ours)
    {
        var rows = new List<string>();
        foreach (var property in typeof(CallCenterTables).GetProperties().Where(p => p.PropertyType == typeof(TableClient)))
        {
            var table = (TableClient)property.GetValue(tables)!;
            await foreach (var entity in table.QueryAsync<TableEntity>())
            {
                var row = string.Join(", ", entity.Keys.Where(k => k is not ("odata.etag" or "Timestamp")).Order(StringComparer.Ordinal)
                    .Select(k => $"{k}={Convert.ToString(entity[k], System.Globalization.CultureInfo.InvariantCulture)}"));
                if (ours.Any(o => row.Contains(o, StringComparison.Ordinal)))
                {
                    rows.Add(property.Name + ": " + Volatile(row));
                }
            }
        }

        return [.. rows.Order(StringComparer.Ordinal)];
    }

    [GeneratedRegex("name=\"token\" value=\"[^\"]*\"")]
    private static partial Regex StreamToken();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?|\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}( [AP]M)?( [+-]\d{2}:\d{2})?")]
    private static partial Regex IsoTime();

    // GUIDs, and runs of hex digits long enough to be generated (random ids, hashes, inverted clock ticks).
    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}")]
    private static partial Regex HexId();
}
