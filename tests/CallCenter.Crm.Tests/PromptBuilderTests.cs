using System.Net;
using System.Text.Json;
using CallCenter.Core.Crm;
using CallCenter.Core.Prompts;
using CallCenter.Core.Tenants;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Crm.Tests;

/// <summary>One builder, one cache: the same instructions on every channel, updates seen at once, reads cached.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PromptBuilderTests(AzuriteFixture azurite, CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task Voice_WhatsApp_and_the_preview_route_get_identical_instructions_from_the_one_builder()
    {
        await host.StartAsync(azurite);
        var services = host.Host.Services;
        // One code path: a single IPromptBuilder registration, the PromptBuilder.
        Assert.IsType<PromptBuilder>(services.GetRequiredService<IPromptBuilder>());
        Assert.Single(services.GetServices<IPromptBuilder>());

        var phoneNumberId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tenantId = "pb-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenantId, new { metaPhoneNumberId = phoneNumberId, language = "he-IL", timeZone = "Asia/Jerusalem" });
        foreach (var channel in new[] { "voice-inbound", "whatsapp" })
        {
            var (status, _, raw) = await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenantId}/prompts/{channel}", key,
                new { instructions = $"You book tables at Cafe Nur ({channel}).", businessFacts = "Open Sun-Thu 8-22. Friday 8-14." });
            Assert.True(status == 201, raw);
        }

        var (_, lead, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenantId}/leads", key,
            new { phone = "+972509990000", name = "Avi", status = "qualified", notes = "Prefers the terrace" });
        var leadId = lead.GetProperty("id").GetString()!;

        var tenant = (await services.GetRequiredService<TenantStore>().GetAsync(tenantId))!;
        var leadRecord = await services.GetRequiredService<LeadStore>().GetAsync(tenantId, leadId);
        var builder = services.GetRequiredService<IPromptBuilder>();

        // Voice: what the media bridge calls. Preview: the route.
        var voice = await builder.BuildAsync(tenant, PromptChannel.VoiceInbound, leadRecord);
        var voicePreview = await PreviewAsync(tenantId, "voice-inbound", key, leadId);
        AssertSame(voice, voicePreview);

        // WhatsApp: a message from the lead's number runs the reply workflow; the model got the builder's text.
        var whatsApp = await builder.BuildAsync(tenant, PromptChannel.WhatsApp, leadRecord);
        var whatsAppPreview = await PreviewAsync(tenantId, "whatsapp", key, leadId);
        AssertSame(whatsApp, whatsAppPreview);
        var before = host.Chat.SystemMessages.Count;
        var body = MetaWhatsApp.Text(phoneNumberId, "972509990000", "wamid.same" + Guid.NewGuid().ToString("N"), "Table for two?");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(MetaWhatsApp.Request(body))).StatusCode);
        await Payloads.WaitUntilAsync(() => host.Chat.SystemMessages.Count > before, TimeSpan.FromSeconds(60), "the chat request");
        Assert.Contains(whatsApp.Text, host.Chat.SystemMessages.Skip(before));

        Assert.NotEqual(voice.Text, whatsApp.Text);
        Assert.Contains("Open Sun-Thu 8-22", whatsApp.Text);
        Assert.Contains("Avi", whatsApp.Text);
        Assert.Contains("he-IL", whatsApp.Text);
        // Tools are listed only where something runs them: the bridge's on calls, the reply workflow's on WhatsApp.
        Assert.Contains("end_call", voice.Text);
        Assert.DoesNotContain("end_call", whatsApp.Text);
        Assert.Equal([AgentTools.ScheduleCallback], whatsApp.Tools.Select(t => t.Name));
    }

    [Fact]
    public async Task A_prompt_update_is_used_by_the_very_next_build_and_an_old_version_can_be_made_current_again()
    {
        await host.StartAsync(azurite);
        var tenantId = "pu-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenantId);
        var tenant = (await host.Host.Services.GetRequiredService<TenantStore>().GetAsync(tenantId))!;
        var builder = host.Host.Services.GetRequiredService<IPromptBuilder>();

        Assert.Equal(0, (await builder.BuildAsync(tenant, PromptChannel.VoiceOutbound, null)).PromptVersion);
        await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenantId}/prompts/voice-outbound", key, new { instructions = "First version." });
        var first = await builder.BuildAsync(tenant, PromptChannel.VoiceOutbound, null);
        await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenantId}/prompts/voice-outbound", key, new { instructions = "Second version." });
        var second = await builder.BuildAsync(tenant, PromptChannel.VoiceOutbound, null);

        Assert.Equal(1, first.PromptVersion);
        Assert.Contains("First version.", first.Text);
        Assert.Equal(2, second.PromptVersion);
        Assert.Contains("Second version.", second.Text);
        Assert.DoesNotContain("First version.", second.Text);

        var (status, _, _) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenantId}/prompts/voice-outbound/versions/1/activate", key);
        Assert.Equal(200, status);
        var again = await builder.BuildAsync(tenant, PromptChannel.VoiceOutbound, null);
        Assert.Equal(1, again.PromptVersion);
        Assert.Equal(first.Text, again.Text);

        var (_, prompt, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenantId}/prompts/voice-outbound", key);
        Assert.Equal(1, prompt.GetProperty("currentVersion").GetInt32());
        Assert.Equal(2, prompt.GetProperty("versions").GetArrayLength());
        var (_, old, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenantId}/prompts/voice-outbound/versions/2", key);
        Assert.Equal("Second version.", old.GetProperty("instructions").GetString());
    }

    [Fact]
    public async Task The_cache_hit_rate_over_1000_builds_without_an_update_is_above_99_percent()
    {
        await host.StartAsync(azurite);
        var tenantId = "pc-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenantId);
        await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenantId}/prompts/whatsapp", key, new { instructions = "Cached prompt." });
        var tenant = (await host.Host.Services.GetRequiredService<TenantStore>().GetAsync(tenantId))!;
        var builder = host.Host.Services.GetRequiredService<IPromptBuilder>();
        var cache = host.Host.Services.GetRequiredService<PromptCache>();
        var (hits, misses) = (cache.Hits, cache.Misses);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(1, (await builder.BuildAsync(tenant, PromptChannel.WhatsApp, null)).PromptVersion);
        }

        var (newHits, newMisses) = (cache.Hits - hits, cache.Misses - misses);
        Assert.Equal(1000, newHits + newMisses);
        Assert.True(newHits / 1000.0 > 0.99, $"hit rate {newHits / 1000.0:P1} ({newMisses} misses)");
    }

    private async Task<JsonElement> PreviewAsync(string tenantId, string channel, string key, string leadId)
    {
        var (status, body, raw) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenantId}/prompts/{channel}/preview", key, new { leadId });
        Assert.True(status == 200, raw);
        return body;
    }

    private static void AssertSame(AgentInstructions built, JsonElement preview)
    {
        Assert.Equal(built.Text, preview.GetProperty("text").GetString());
        Assert.Equal(built.PromptVersion, preview.GetProperty("promptVersion").GetInt32());
        Assert.Equal(built.Language, preview.GetProperty("language").GetString());
        Assert.Equal(built.Voice, preview.GetProperty("voice").GetString());
        Assert.Equal(built.Tools.Select(t => t.Name), preview.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }
}
