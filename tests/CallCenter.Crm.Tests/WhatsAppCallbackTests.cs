using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Prompts;
using CallCenter.Core.WhatsApp;
using CallCenter.Fakes;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Crm.Tests;

/// <summary>
/// schedule_callback from WhatsApp, end to end: the Meta webhook, the reply workflow on the real Durable engine on
/// Azurite, the chat stand-in's tool-call round trip, the callback's own orchestration and its dial on the Twilio stand-in.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WhatsAppCallbackTests(AzuriteFixture azurite, CrmHost host) : IClassFixture<CrmHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_WhatsApp_message_asking_for_a_callback_creates_one_whatsapp_callback_that_dials_the_contact_once_at_its_time()
    {
        var (tenant, key, phoneNumberId) = await TenantAsync();
        var waId = NewWaId();
        // Far enough ahead that the reply's model and tool steps run before it, even on a loaded machine.
        var at = Iso(DateTimeOffset.UtcNow.AddSeconds(20).ToOffset(TimeSpan.FromHours(2)));
        var (issuedBefore, refusedBefore) = (host.Chat.Agent.IssuedCallIds.Count, host.Chat.Agent.Refusals.Count);

        await SendAsync(phoneNumberId, waId, "wamid.cb" + Guid.NewGuid().ToString("N"), $"Please call me back at {at}");

        var reply = await ReplyAsync(phoneNumberId, waId);
        Assert.StartsWith(FakeWhatsAppAgent.Scheduled, reply.Text, StringComparison.Ordinal);
        var callback = Assert.Single(await ListAsync(tenant, key));
        Assert.Equal((CallbackSources.WhatsApp, "+" + waId), (callback.GetProperty("source").GetString(), callback.GetProperty("phone").GetString()));
        Assert.Equal(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture), callback.GetProperty("dueAt").GetDateTimeOffset());

        var dialed = await DialedAsync(tenant, key, callback.GetProperty("id").GetString()!);
        var dial = Assert.Single(host.TwilioApi.CreatedCalls, c => c["To"] == "+" + waId);
        Assert.Equal(dial["Sid"], dialed.GetProperty("callId").GetString());
        Assert.True(host.TwilioApi.CallCreatedAt[dial["Sid"]] >= dialed.GetProperty("scheduledFor").GetDateTimeOffset(), "dialled before its time");
        // One tool call issued and answered through the protocol: no request of ours was refused.
        Assert.Equal(issuedBefore + 1, host.Chat.Agent.IssuedCallIds.Count);
        Assert.Equal(refusedBefore, host.Chat.Agent.Refusals.Count);
    }

    [Fact]
    public async Task A_redelivered_webhook_and_a_retried_tool_step_create_no_second_callback_nor_a_second_orchestration()
    {
        var (tenant, key, phoneNumberId) = await TenantAsync();
        var waId = NewWaId();
        var at = Iso(DateTimeOffset.UtcNow.AddHours(2));
        var wamid = "wamid.dup" + Guid.NewGuid().ToString("N");

        for (var i = 0; i < 3; i++)
        {
            await SendAsync(phoneNumberId, waId, wamid, $"Call me back at {at}");
        }

        await ReplyAsync(phoneNumberId, waId);
        // Give a duplicate workflow, had one started, time to ask the model and schedule too.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var callback = Assert.Single(await ListAsync(tenant, key));
        var id = callback.GetProperty("id").GetString()!;
        var durable = host.Host.Services.GetRequiredService<DurableTaskClient>();
        var instance = await durable.GetInstanceAsync(CallbackWorkflowNames.InstanceId(id));
        Assert.NotNull(instance);

        // The engine runs an activity again when its result was never recorded: the same call, run twice more.
        var tools = host.Host.Services.GetRequiredService<WhatsAppTools>();
        var message = new WhatsAppMessageRef(tenant, WhatsAppStore.ConversationId("+" + waId), "m|retry", WhatsAppProvider.Meta, "+" + waId);
        var call = new WhatsAppToolCall("call_retry", AgentTools.ScheduleCallback, JsonSerializer.Serialize(new { at, reason = "asked on WhatsApp" }));
        var outputs = await Task.WhenAll(tools.RunAsync(message, call, durable), tools.RunAsync(message, call, durable));

        Assert.All(outputs, o => Assert.Equal(id, JsonDocument.Parse(o).RootElement.GetProperty("callbackId").GetString()));
        Assert.Single(await ListAsync(tenant, key));
        Assert.Single(host.Meta.Sent, s => s.PhoneNumberId == phoneNumberId);
        Assert.Equal(instance!.CreatedAt, (await durable.GetInstanceAsync(CallbackWorkflowNames.InstanceId(id)))!.CreatedAt);
    }

    [Theory]
    [InlineData("2020-01-01T09:00:00+00:00", "future")]
    [InlineData("teatime", "ISO 8601")]
    public async Task A_bad_time_creates_no_callback_and_the_reply_still_goes_out_saying_why(string at, string why)
    {
        var (tenant, key, phoneNumberId) = await TenantAsync();
        var waId = NewWaId();

        await SendAsync(phoneNumberId, waId, "wamid.bad" + Guid.NewGuid().ToString("N"), $"Call me back at {at}");

        var reply = await ReplyAsync(phoneNumberId, waId);
        Assert.StartsWith(FakeWhatsAppAgent.CouldNotSchedule, reply.Text, StringComparison.Ordinal);
        Assert.Contains(why, reply.Text, StringComparison.Ordinal);
        Assert.Empty(await ListAsync(tenant, key));
        Assert.DoesNotContain(host.TwilioApi.CreatedCalls, c => c["To"] == "+" + waId);
    }

    [Fact]
    public async Task The_chat_stand_in_refuses_what_OpenAI_refuses_and_takes_a_correct_tool_round_trip()
    {
        await host.StartAsync(azurite);
        var tools = new[] { new { type = "function", function = new { name = AgentTools.ScheduleCallback, description = "d", parameters = JsonDocument.Parse(AgentTools.ScheduleCallbackTool.ParametersJsonSchema).RootElement } } };
        var call = new { id = "call_abc", type = "function", function = new { name = AgentTools.ScheduleCallback, arguments = """{"at":"2030-01-01T09:00:00Z"}""" } };
        object user = new { role = "user", content = "Call me back at 2030-01-01T09:00:00Z" };
        object asked = new { role = "assistant", content = (string?)null, tool_calls = new[] { call } };

        var (unknownId, _) = await PostChatAsync(new { model = "m", tools, messages = new[] { user, asked, new { role = "tool", tool_call_id = "call_never_issued", content = "{}" } } });
        var (orphan, _) = await PostChatAsync(new { model = "m", messages = new[] { user, new { role = "tool", tool_call_id = "call_abc", content = "{}" } } });
        var (unanswered, _) = await PostChatAsync(new { model = "m", tools, messages = new[] { user, asked, new { role = "user", content = "hello?" } } });
        var (badSchema, _) = await PostChatAsync(new { model = "m", messages = new[] { user }, tools = new[] { new { type = "function", function = new { name = "x", parameters = new { type = "string" } } } } });
        var (badName, _) = await PostChatAsync(new { model = "m", messages = new[] { user }, tools = new[] { new { type = "function", function = new { name = "schedule.callback" } } } });
        var (choiceWithoutTools, _) = await PostChatAsync(new { model = "m", messages = new[] { user }, tool_choice = "none" });
        var (ok, answer) = await PostChatAsync(new { model = "m", tools, messages = new[] { user, asked, new { role = "tool", tool_call_id = "call_abc", content = """{"scheduledFor":"2030-01-01T09:00:00+00:00"}""" } } });

        Assert.Equal("Invalid parameter: 'tool_call_id' of 'call_never_issued' not found in 'tool_calls' of previous message.", Message(unknownId));
        Assert.Equal("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", Message(orphan));
        Assert.StartsWith("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.", Message(unanswered), StringComparison.Ordinal);
        Assert.Equal(("invalid_function_parameters", "tools[0].function.parameters"), (badSchema.GetProperty("code").GetString(), badSchema.GetProperty("param").GetString()));
        Assert.Equal("tools[0].function.name", badName.GetProperty("param").GetString());
        Assert.Equal("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", Message(choiceWithoutTools));
        Assert.Equal(JsonValueKind.Undefined, ok.ValueKind);
        Assert.Equal("stop", answer.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.StartsWith(FakeWhatsAppAgent.Scheduled, answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    private async Task<(JsonElement Error, JsonElement Body)> PostChatAsync(object body)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri(host.Chat.Root, "v1/chat/completions"), body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.StatusCode == HttpStatusCode.BadRequest ? (json.GetProperty("error"), json) : (default, json);
    }

    private static string? Message(JsonElement error) => error.GetProperty("message").GetString();

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string NewWaId() => "1666" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);

    private async Task SendAsync(string phoneNumberId, string waId, string wamid, string text)
    {
        using var response = await host.Http.SendAsync(MetaWhatsApp.Request(MetaWhatsApp.Text(phoneNumberId, waId, wamid, text)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<MetaSentMessage> ReplyAsync(string phoneNumberId, string waId)
    {
        await Payloads.WaitUntilAsync(() => host.Meta.Sent.Any(s => s.PhoneNumberId == phoneNumberId && s.To == waId), Patience, "the reply");
        return host.Meta.Sent.First(s => s.PhoneNumberId == phoneNumberId && s.To == waId);
    }

    private async Task<List<JsonElement>> ListAsync(string tenant, string key)
    {
        var (status, page, raw) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/callbacks", key);
        Assert.True(status == 200, raw);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    private async Task<JsonElement> DialedAsync(string tenant, string key, string id)
    {
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            var (_, callback, raw) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/callbacks/{id}", key);
            if (callback.GetProperty("status").GetString() == CallbackStatuses.Dialed && callback.TryGetProperty("callId", out var c) && c.GetString()?.StartsWith("CA", StringComparison.Ordinal) == true)
            {
                return callback;
            }

            Assert.True(DateTime.UtcNow < until, "the callback was not dialled: " + raw);
            await Task.Delay(250);
        }
    }

    /// <summary>A tenant with a voice number (callbacks dial from it) and a Meta WhatsApp number of its own.</summary>
    private async Task<(string Tenant, string Key, string PhoneNumberId)> TenantAsync()
    {
        await host.StartAsync(azurite);
        var tenant = "wc-" + Guid.NewGuid().ToString("N")[..8];
        var phoneNumberId = Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999).ToString(CultureInfo.InvariantCulture);
        var key = await host.CreateTenantAsync(tenant, new
        {
            voiceNumbers = new[] { $"+1555{Random.Shared.Next(1000000, 9999999)}" },
            whatsAppNumber = $"+1555{Random.Shared.Next(1000000, 9999999)}",
            metaPhoneNumberId = phoneNumberId,
            whatsAppVerifyToken = "verify-" + Guid.NewGuid().ToString("N"),
        });
        return (tenant, key, phoneNumberId);
    }
}
