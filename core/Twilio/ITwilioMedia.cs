namespace CallCenter.Core.Twilio;

/// <summary>Twilio's recording media: fetched and deleted with the account's credentials.</summary>
public interface ITwilioMedia
{
    /// <summary>The recording as WAV; the caller disposes the response stream.</summary>
    Task<Stream> OpenRecordingAsync(Uri recordingUrl, CancellationToken ct = default);

    Task DeleteRecordingAsync(string recordingSid, CancellationToken ct = default);
}
