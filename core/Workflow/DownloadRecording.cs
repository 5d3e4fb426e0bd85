namespace CallCenter.Core.Workflow;

/// <summary>Stores the call's recording in the tenant's blob; returns its path.</summary>
public sealed class DownloadRecording(RecordingDownloader downloader) : CallStep<DownloadRecordingInput, string>
{
    protected override Task<string> RunStepAsync(DownloadRecordingInput input) => downloader.DownloadAsync(input);
}
