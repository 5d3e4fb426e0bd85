using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.Twilio;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The only code in the product that fetches a recording: streams Twilio's media into the tenant's blob.
/// A blob already stored for the RecordingSid is not fetched again.
/// </summary>
public sealed class RecordingDownloader(CallLogStore calls, RecordingStore recordings, ITwilioMedia twilio)
{
    public async Task<string> DownloadAsync(DownloadRecordingInput input, CancellationToken ct = default)
    {
        // Only the call's start is read, which never changes.
        var call = await calls.GetLastKnownAsync(input.TenantId, input.CallSid, ct) ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");
        var path = RecordingPaths.For(input.TenantId, call.CreatedAt, input.CallSid, input.RecordingSid, "wav");
        if (!await recordings.ExistsAsync(input.TenantId, path, ct))
        {
            await using var media = await twilio.OpenRecordingAsync(new Uri(input.RecordingUrl), ct);
            await recordings.UploadIfAbsentAsync(input.TenantId, path, media, "audio/wav", ct);
        }

        // The path is set once: a copy that has it means the row has it.
        await calls.UpdateForwardAsync(input.TenantId, input.CallSid, c =>
        {
            if (c.RecordingBlobPath == path)
            {
                return false;
            }

            c.RecordingSid = input.RecordingSid;
            c.RecordingBlobPath = path;
            return true;
        }, ct);

        if (input.DeleteFromTwilio)
        {
            await twilio.DeleteRecordingAsync(input.RecordingSid, ct);
        }

        return path;
    }
}
