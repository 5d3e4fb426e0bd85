using System.Net;
using CallCenter.Testing;

namespace CallCenter.Crm.Tests;

/// <summary>The WhatsApp webhooks through the local host, the real Durable engine on Azurite and fake providers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WhatsAppChannelTests(AzuriteFixture azurite, CrmHost host) : IClassFixture<CrmHost>
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_same_Meta_message_delivered_five_times_is_stored_once_and_answered_once()
    {
        var (tenant, key, phoneNumberId) = await MetaTenantAsync();
        await host.StartAsync(azurite);
        var wamid = "wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUYz" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var body = MetaWhatsApp.Text(phoneNumberId, "972501234567", wamid, "Hi, are you open on Friday?");
        var sentBefore = host.Meta.Sent.Count(s => s.PhoneNumberId == phoneNumberId);

        for (var i = 0; i < 5; i++)
        {
            using var response = await host.Http.SendAsync(MetaWhatsApp.Request(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Payloads.WaitUntilAsync(() => host.Meta.Sent.Any(s => s.PhoneNumberId == phoneNumberId), ReplyTimeout, "the reply");
        // Give a duplicate workflow, if one had started, time to send too.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var sent = host.Meta.Sent.Where(s => s.PhoneNumberId == phoneNumberId).ToList();
        Assert.Equal(1, sent.Count - sentBefore);
        Assert.Equal("972501234567", sent[0].To);
        Assert.Equal(ChatCompletionsStub.Reply, sent[0].Text);

        var (_, detail, raw) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/whatsapp/conversations/wa972501234567", key);
        var messages = detail.GetProperty("messages").EnumerateArray().ToList();
        Assert.True(messages.Count == 2, raw);
        Assert.Equal("inbound", messages[0].GetProperty("direction").GetString());
        Assert.Equal(wamid, messages[0].GetProperty("providerMessageId").GetString());
        Assert.Equal("outbound", messages[1].GetProperty("direction").GetString());
        Assert.Equal(sent[0].MessageId, messages[1].GetProperty("providerMessageId").GetString());
        Assert.Equal("Dana", detail.GetProperty("conversation").GetProperty("contactName").GetString());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.Forbidden)]
    [InlineData("sha1=abc", HttpStatusCode.Forbidden)]
    public async Task A_Meta_body_with_a_missing_or_wrong_signature_is_refused_and_nothing_is_stored(string? signature, HttpStatusCode expected)
    {
        var (tenant, key, phoneNumberId) = await MetaTenantAsync();
        var body = MetaWhatsApp.Text(phoneNumberId, "972501112222", "wamid.forged" + Guid.NewGuid().ToString("N"), "hello");

        using var response = await host.Http.SendAsync(MetaWhatsApp.Request(body, signature));

        Assert.Equal(expected, response.StatusCode);
        await Task.Delay(500);
        var (_, list, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/whatsapp/conversations", key);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(host.Meta.Sent, s => s.PhoneNumberId == phoneNumberId);
    }

    [Fact]
    public async Task A_body_signed_with_the_right_secret_but_altered_after_signing_is_refused()
    {
        var (tenant, key, phoneNumberId) = await MetaTenantAsync();
        var body = MetaWhatsApp.Text(phoneNumberId, "972501113333", "wamid.altered" + Guid.NewGuid().ToString("N"), "hello");
        var signature = CallCenter.Core.WhatsApp.MetaSignature.Sign(CrmHost.MetaAppSecret, System.Text.Encoding.UTF8.GetBytes(body));

        using var response = await host.Http.SendAsync(MetaWhatsApp.Request(body.Replace("hello", "hellO"), signature));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var (_, list, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/whatsapp/conversations", key);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Meta_verification_echoes_the_challenge_only_for_a_tenants_verify_token()
    {
        await MetaTenantAsync(verifyToken: "verify-token-of-this-tenant-123");

        var ok = await host.Http.GetAsync("/api/whatsapp/meta?hub.mode=subscribe&hub.verify_token=verify-token-of-this-tenant-123&hub.challenge=1158201444");
        var wrong = await host.Http.GetAsync("/api/whatsapp/meta?hub.mode=subscribe&hub.verify_token=someone-elses-token-0000&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    [Fact]
    public async Task Delivery_statuses_move_the_stored_reply_forward_and_a_late_one_does_not_move_it_back()
    {
        var (tenant, key, phoneNumberId) = await MetaTenantAsync();
        var body = MetaWhatsApp.Text(phoneNumberId, "972504445555", "wamid.status" + Guid.NewGuid().ToString("N"), "status please");
        (await host.Http.SendAsync(MetaWhatsApp.Request(body))).EnsureSuccessStatusCode();
        await Payloads.WaitUntilAsync(() => host.Meta.Sent.Any(s => s.PhoneNumberId == phoneNumberId), ReplyTimeout, "the reply");
        var replyId = host.Meta.Sent.Single(s => s.PhoneNumberId == phoneNumberId).MessageId;
        await Payloads.WaitUntilAsync(() => ReplyStatusAsync(tenant, key).Result is not null, ReplyTimeout, "the stored reply");

        foreach (var status in new[] { "delivered", "sent" })
        {
            (await host.Http.SendAsync(MetaWhatsApp.Request(MetaWhatsApp.Status(phoneNumberId, replyId, status, "972504445555")))).EnsureSuccessStatusCode();
        }

        Assert.Equal("delivered", await ReplyStatusAsync(tenant, key));
        (await host.Http.SendAsync(MetaWhatsApp.Request(MetaWhatsApp.Status(phoneNumberId, replyId, "read", "972504445555")))).EnsureSuccessStatusCode();
        Assert.Equal("read", await ReplyStatusAsync(tenant, key));
    }

    [Fact]
    public async Task A_signed_Twilio_WhatsApp_message_is_answered_once_through_the_Twilio_Messages_API_and_a_forged_one_is_refused()
    {
        await host.StartAsync(azurite);
        var suffix = Random.Shared.Next(100000, 999999);
        var tenantNumber = $"+1555{suffix}0";
        var tenant = "tw-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenant, new { whatsAppNumber = tenantNumber });
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["AccountSid"] = CrmHost.TwilioAccountSid,
            ["From"] = "whatsapp:+972507778888",
            ["To"] = "whatsapp:" + tenantNumber,
            ["Body"] = "Hello from Twilio",
            ["NumMedia"] = "0",
            ["ProfileName"] = "Noa",
        };

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp/twilio") { Content = new FormUrlEncodedContent(form) };
        forged.Headers.Add("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Http.SendAsync(forged)).StatusCode);
        var (_, empty, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/whatsapp/conversations", key);
        Assert.Empty(empty.GetProperty("items").EnumerateArray());

        for (var i = 0; i < 3; i++)
        {
            var response = await host.Http.SendAsync(TwilioCall.Request(host.Host.BaseUrl, "/api/whatsapp/twilio", form, CrmHost.TwilioAuthToken));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Payloads.WaitUntilAsync(() => host.Twilio.Sent.Any(s => s.From == "whatsapp:" + tenantNumber), ReplyTimeout, "the Twilio reply");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var sent = Assert.Single(host.Twilio.Sent, s => s.From == "whatsapp:" + tenantNumber);
        Assert.Equal("whatsapp:+972507778888", sent.To);
        Assert.Equal(CrmHost.TwilioAccountSid, sent.AccountSid);
    }

    private async Task<string?> ReplyStatusAsync(string tenant, string key)
    {
        var (_, list, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/whatsapp/conversations", key);
        var conversation = list.GetProperty("items").EnumerateArray().First().GetProperty("id").GetString();
        var (_, detail, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/whatsapp/conversations/{conversation}", key);
        return detail.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("direction").GetString() == "outbound")
            .Select(m => m.GetProperty("status").GetString())
            .FirstOrDefault();
    }

    private async Task<(string Tenant, string Key, string PhoneNumberId)> MetaTenantAsync(string? verifyToken = null)
    {
        await host.StartAsync(azurite);
        var tenant = "wa-" + Guid.NewGuid().ToString("N")[..8];
        var phoneNumberId = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = await host.CreateTenantAsync(tenant, new
        {
            whatsAppNumber = $"+1555{Random.Shared.Next(1000000, 9999999)}",
            metaPhoneNumberId = phoneNumberId,
            whatsAppVerifyToken = verifyToken ?? "verify-" + Guid.NewGuid().ToString("N"),
        });
        return (tenant, key, phoneNumberId);
    }
}
