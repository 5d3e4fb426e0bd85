using CallCenter.Core.Calls;
using CallCenter.Core.Faults;
using CallCenter.Core.Twilio;

namespace CallCenter.Core.Workflow;

/// <summary>
/// The only code in the product that fetches a recording: Twilio's media into the tenant's blob. Whether the blob is
/// stored is read from the call's row (<see cref="CallLog.RecordingBlobPath"/>), not asked of Blob storage: the
/// row gets the path after the upload and before Twilio's copy is deleted, so a row without it means Twilio still
/// has the media, and fetching it again only meets the blob already there (<c>If-None-Match: *</c>).
/// </summary>
public sealed class RecordingDownloader(CallLogStore calls, RecordingStore recordings, ITwilioMedia twilio)
{
    // Larger reads than the default: a recording is copied once from Twilio to a local file and once to Blob storage.
    private const int BufferSize = 81920;

    /// <summary>The workflow's own step (<see cref="DownloadRecording"/>): stores the recording, records its path, then deletes Twilio's copy if asked.</summary>
    public async Task<string> DownloadAsync(DownloadRecordingInput input, CancellationToken ct = default)
    {
        // As stored now: the path on the row is what says the blob is there.
        var call = await calls.GetAsync(input.TenantId, input.CallSid, ct) ?? throw new PermanentFailureException($"Call {input.CallSid} is gone.");
        var path = RecordingPaths.For(input.TenantId, call.CreatedAt, input.CallSid, input.RecordingSid, "wav");
        if (call.RecordingBlobPath != path)
        {
            await using var audio = await StoreAsync(input.TenantId, path, input.RecordingUrl, ct);
            await calls.UpdateForwardAsync(input.TenantId, input.CallSid, c => RecordPath(c, input.RecordingSid, path), ct);
        }

        if (input.DeleteFromTwilio)
        {
            await twilio.DeleteRecordingAsync(input.RecordingSid, ct);
        }

        return path;
    }

    /// <summary>
    /// Fetches Twilio's media into a local file (deleted when the stream is disposed) and stores it under
    /// <paramref name="path"/> unless a blob is there already; the stream is returned at its start, for a
    /// transcription from the bytes in hand. A file rather than memory: an hour of dual-channel audio is ~115 MB.
    /// </summary>
    public async Task<Stream> StoreAsync(string tenantId, string path, string recordingUrl, CancellationToken ct = default)
    {
        var file = new FileStream(
            Path.Combine(Path.GetTempPath(), "callcenter-" + Path.GetRandomFileName()),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await using (var media = await twilio.OpenRecordingAsync(new Uri(recordingUrl), ct))
            {
                await media.CopyToAsync(file, BufferSize, ct);
            }

            // A stream of known length is one Put Blob, where a stream read to its end is staged blocks and a commit.
            file.Position = 0;
            await recordings.UploadIfAbsentAsync(tenantId, path, file, "audio/wav", ct);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The row's change once the blob is stored: the path is set once, so a row that has it changes nothing.</summary>
    public static bool RecordPath(CallLog call, string recordingSid, string path)
    {
        if (call.RecordingBlobPath == path)
        {
            return false;
        }

        call.RecordingSid = recordingSid;
        call.RecordingBlobPath = path;
        return true;
    }
}
