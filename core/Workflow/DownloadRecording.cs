using Microsoft.DurableTask;

namespace CallCenter.Core.Workflow;

/// <summary>Stores the call's recording in the tenant's blob; returns its path.</summary>
public sealed class DownloadRecording(RecordingDownloader downloader) : TaskActivity<DownloadRecordingInput, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, DownloadRecordingInput input) => downloader.DownloadAsync(input);
}
