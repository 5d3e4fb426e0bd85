using CallCenter.Core.Calls;
using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;
using CallCenter.Testing;

namespace CallCenter.Calls.Tests;

/// <summary>A tenant that asks for it has Twilio's copy of a recording deleted, once, and only after ours is stored.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class TwilioRecordingDeleteTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task Twilios_copy_is_deleted_once_and_only_after_our_copy_is_stored()
    {
        var tenant = await _host.NewTenantAsync();
        tenant = tenant with { DeleteRecordingFromTwilio = true };
        await _host.Get<TenantStore>().SaveAsync(tenant);
        var callSid = TwilioCall.NewCallSid();
        var recordingSid = TwilioCall.NewRecordingSid();
        var storedAtDelete = new List<bool>();
        _host.Twilio.OnRecordingDelete = async sid =>
        {
            if (sid == recordingSid)
            {
                var call = await _host.Get<CallLogStore>().GetAsync(tenant.Id, callSid);
                storedAtDelete.Add(call?.RecordingBlobPath is { } path && await _host.Get<RecordingStore>().ExistsAsync(tenant.Id, path));
            }
        };
        try
        {
            await _host.AnsweredCallAsync(tenant, callSid, recordingSid);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _host.Durable.WaitForInstanceCompletionAsync(CallWorkflowNames.InstanceId(callSid), timeout.Token);
            // The recording callback delivered again (Twilio retries) deletes nothing more.
            await _host.PostTwilioAsync("/api/twilio/recording", TwilioCall.Recording(callSid, recordingSid, _host.Twilio.RecordingUrl(recordingSid)));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            _host.Twilio.OnRecordingDelete = null;
        }

        Assert.Equal([true], storedAtDelete);
        Assert.Equal(1, _host.Twilio.RecordingDeletes[recordingSid]);
        Assert.Equal(1, _host.Twilio.RecordingFetches[recordingSid]);
    }
}
