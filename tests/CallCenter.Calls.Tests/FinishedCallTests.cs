using System.Net;
using System.Xml.Linq;
using Azure.Data.Tables;
using CallCenter.Core.Calls;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Testing;

namespace CallCenter.Calls.Tests;

/// <summary>Twilio webhooks carry no timestamp: a replayed signed voice webhook must not reopen a finished call.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class FinishedCallTests(CallCenterFixture fixture) : IAsyncLifetime
{
    private readonly CallCenterHost _host = fixture.Host;
    private readonly string _caller = "+1777" + Random.Shared.Next(1_000_000, 9_999_999);
    private Tenant _tenant = null!;

    private string Number => _tenant.VoiceNumbers[0];

    public async Task InitializeAsync()
    {
        // Unrecorded, so that the call's workflow finishes as soon as the call ends and writes nothing later.
        var tenant = await _host.NewTenantAsync();
        _tenant = tenant with { UnrecordedNumbers = tenant.VoiceNumbers };
        await _host.Get<TenantStore>().SaveAsync(_tenant);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Replaying_the_signed_voice_webhook_of_a_completed_call_three_times_issues_no_token_and_writes_nothing()
    {
        var callSid = TwilioCall.NewCallSid();
        var voice = TwilioCall.Voice(callSid, Number, _caller);
        Assert.Single(Tokens(await AnswerAsync(voice)));
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, Number, "completed", 3, _caller));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
        var before = await SnapshotAsync(callSid);

        var replies = new List<XElement>();
        for (var i = 0; i < 3; i++)
        {
            replies.Add(await AnswerAsync(voice));
        }

        Assert.All(replies, AssertHungUpWithoutToken);
        Assert.Equal(before, await SnapshotAsync(callSid));
    }

    [Fact]
    public async Task A_voice_webhook_after_the_calls_stream_ended_issues_no_token_and_writes_nothing()
    {
        var callSid = TwilioCall.NewCallSid();
        var voice = TwilioCall.Voice(callSid, Number, _caller);
        voice["CallStatus"] = "in-progress";
        Assert.Single(Tokens(await AnswerAsync(voice)));
        Assert.True(await _host.Get<CallLogStore>().MarkStreamEndedAsync(_tenant.Id, callSid, DateTimeOffset.UtcNow));
        var before = await SnapshotAsync(callSid);

        var reply = await AnswerAsync(voice);

        AssertHungUpWithoutToken(reply);
        Assert.Equal(before, await SnapshotAsync(callSid));
    }

    [Fact]
    public async Task A_voice_webhook_that_itself_reports_a_terminal_status_creates_nothing()
    {
        var callSid = TwilioCall.NewCallSid();
        var voice = TwilioCall.Voice(callSid, Number, _caller);
        voice["CallStatus"] = "completed";

        var reply = await AnswerAsync(voice);

        AssertHungUpWithoutToken(reply);
        Assert.Null(await _host.Get<CallLogStore>().FindTenantAsync(callSid));
        Assert.Null(await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid)));
    }

    private async Task<XElement> AnswerAsync(Dictionary<string, string> voice)
    {
        var response = await _host.PostTwilioAsync("/api/twilio/voice", voice);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    private static void AssertHungUpWithoutToken(XElement twiml)
    {
        Assert.Equal(["Hangup"], twiml.Elements().Select(e => e.Name.LocalName));
        Assert.Empty(Tokens(twiml));
    }

    private static IEnumerable<string> Tokens(XElement twiml) =>
        twiml.Descendants("Parameter").Where(p => p.Attribute("name")?.Value == StreamTokens.ParameterName).Select(p => p.Attribute("value")!.Value);

    /// <summary>
    /// Every row this call could be written to, in every table (the tenant's partition, the call's index
    /// partition, the caller's and the number's), with its ETag; and the workflow instance (its last change once it has finished).
    /// </summary>
    private async Task<List<string>> SnapshotAsync(string callSid)
    {
        var tables = _host.Get<CallCenterTables>();
        string[] partitions = [_tenant.Id, callSid, _caller, Number];
        var rows = new List<string>();
        foreach (var table in new[] { tables.Tenants, tables.PhoneRoutes, tables.Leads, tables.Calls, tables.CallIndex, tables.Turns, tables.ApiKeys, tables.Prompts, tables.WhatsApp })
        {
            await foreach (var e in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                if (partitions.Any(p => e.PartitionKey.Contains(p, StringComparison.Ordinal)))
                {
                    rows.Add($"{table.Name}/{e.PartitionKey}/{e.RowKey}/{e.ETag}");
                }
            }
        }

        var instance = await _host.Durable.GetInstanceAsync(CallWorkflowNames.InstanceId(callSid));
        rows.Add(instance switch
        {
            null => "no workflow",
            { IsCompleted: true } => $"workflow {instance.RuntimeStatus} {instance.LastUpdatedAt:O}",
            _ => "workflow live", // a live instance moves on its own (the engine picks it up, a timer is set)
        });
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
