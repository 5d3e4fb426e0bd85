using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Workflow;
using Microsoft.DurableTask.Client;

namespace CallCenter.Calls.Tests;

/// <summary>An outbound call from its dial to its end, when the lead never picks up as much as when they do.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class OutboundLifecycleTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task A_placed_call_is_listed_queued_and_its_workflow_route_shows_the_orchestration_that_placed_it()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var (callId, callSid) = await _host.PlaceCallAsync(tenant.Id, key, "+1777" + Random.Shared.Next(1_000_000, 9_999_999));

        // No status callback has come yet: the call is known from the dial's answer alone.
        var call = await GetJsonAsync($"/api/tenants/{tenant.Id}/calls/{callSid}", key);
        Assert.Equal("queued", call.GetProperty("call").GetProperty("status").GetString());
        Assert.Equal("outbound", call.GetProperty("call").GetProperty("direction").GetString());
        var workflow = await GetJsonAsync($"/api/tenants/{tenant.Id}/calls/{callSid}/workflow", key);
        Assert.Equal(OutboundCallNames.InstanceId(callId), workflow.GetProperty("instanceId").GetString());
        Assert.Equal("Completed", workflow.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("busy")]
    [InlineData("no-answer")]
    [InlineData("failed")]
    public async Task A_call_the_lead_never_answers_finishes_with_its_status_and_asks_for_no_summary(string outcome)
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var number = "+1777" + Random.Shared.Next(1_000_000, 9_999_999);
        _host.Twilio.SetOutcome(number, outcome);
        var chats = _host.OpenAi.ChatCompletions;

        var (_, callSid) = await _host.PlaceCallAsync(tenant.Id, key, number);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var done = await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var call = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);
        Assert.Equal(outcome, call!.Status?.ToWire());
        Assert.NotNull(call.WorkflowFinishedAt);
        Assert.Null(call.Summary);
        Assert.Equal(chats, _host.OpenAi.ChatCompletions);
        var workflow = await GetJsonAsync($"/api/tenants/{tenant.Id}/calls/{callSid}/workflow", key);
        Assert.Equal(CallWorkflowNames.InstanceId(callSid), workflow.GetProperty("instanceId").GetString());
    }

    private async Task<JsonElement> GetJsonAsync(string path, string key)
    {
        var response = await _host.SendAsync(HttpMethod.Get, path, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
