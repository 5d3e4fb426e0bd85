using CallCenter.Core.Crm;
using CallCenter.Simulators;
using CallCenter.Testing;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The model's function calls, executed by the bridge against the CRM and the tenant's declared tools.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ToolTests(AzuriteFixture azurite)
{
    // A key press on the way, as Twilio sends it: the model hears of it and the call goes on.
    private static IReadOnlyList<CallerStep> OneTurn =>
    [
        new CallerStep.Dtmf("1"),
        new CallerStep.WaitUntilHeard(200),
        new CallerStep.Send(CallerAudio.Speech(400)),
        new CallerStep.Send(CallerAudio.Silence(400)),
    ];

    [Fact]
    public async Task Update_lead_writes_the_callers_lead()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new FakeRealtimeScript
        {
            GreetingMs = 200,
            ToolAfterFirstTurn = ("update_lead", """{"status":"qualified","note":"wants a quote"}"""),
        });
        var (callSid, lead) = await h.SeedCallAsync();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), OneTurn));
        var outputs = await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.FunctionOutputs.ToArray()), o => o.Length > 0);
        await call.HangUpAsync();
        await call.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains("\"ok\":true", Assert.Single(outputs).Output, StringComparison.Ordinal);
        var stored = await h.Service<LeadStore>().GetAsync(h.TenantId, lead.Id);
        Assert.Equal("qualified", stored!.Status);
        Assert.Contains("wants a quote", stored.Notes, StringComparison.Ordinal);
        Assert.Equal(1, (await h.WaitUntilIdleAsync()).ToolCalls);
    }

    [Fact]
    public async Task A_declared_tool_answers_with_its_declared_text()
    {
        var tenantId = BridgeHarness.NewTenantId();
        await using var h = await BridgeHarness.StartAsync(
            azurite,
            new FakeRealtimeScript { GreetingMs = 200, ToolAfterFirstTurn = ("opening_hours", "{}") },
            new Dictionary<string, string?>
            {
                [$"DeclaredTools:Tenants:{tenantId}:0:Name"] = "opening_hours",
                [$"DeclaredTools:Tenants:{tenantId}:0:Description"] = "When the shop is open.",
                [$"DeclaredTools:Tenants:{tenantId}:0:Effect"] = "Reply",
                [$"DeclaredTools:Tenants:{tenantId}:0:ReplyText"] = "Monday to Friday, 8 to 18.",
            },
            tenantId);
        var (callSid, _) = await h.SeedCallAsync();

        var call = await h.CallAsync(h.CallOptions(callSid, h.Token(callSid), OneTurn));
        var outputs = await BridgeHarness.Eventually(() => Task.FromResult(h.OpenAi.FunctionOutputs.ToArray()), o => o.Length > 0);
        await call.HangUpAsync();
        await call.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains("Monday to Friday, 8 to 18.", Assert.Single(outputs).Output, StringComparison.Ordinal);
        Assert.Contains("\"opening_hours\"", h.OpenAi.SessionUpdates.Single(), StringComparison.Ordinal);
    }
}
