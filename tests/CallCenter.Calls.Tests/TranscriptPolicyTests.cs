using CallCenter.Core.Tenants;
using CallCenter.Core.Workflow;

namespace CallCenter.Calls.Tests;

public sealed class TranscriptPolicyTests
{
    [Theory]
    [InlineData(TranscriptionPolicy.FallbackToRecording, true, true, TranscriptAction.KeepRealtime)]
    [InlineData(TranscriptionPolicy.FallbackToRecording, false, true, TranscriptAction.TranscribeRecording)]
    [InlineData(TranscriptionPolicy.FallbackToRecording, true, false, TranscriptAction.KeepRealtime)]
    [InlineData(TranscriptionPolicy.FallbackToRecording, false, false, TranscriptAction.None)]
    [InlineData(TranscriptionPolicy.RealtimeOnly, true, true, TranscriptAction.KeepRealtime)]
    [InlineData(TranscriptionPolicy.RealtimeOnly, false, true, TranscriptAction.None)]
    [InlineData(TranscriptionPolicy.PreferRecording, true, true, TranscriptAction.TranscribeRecording)]
    [InlineData(TranscriptionPolicy.PreferRecording, true, false, TranscriptAction.KeepRealtime)]
    [InlineData(TranscriptionPolicy.PreferRecording, false, false, TranscriptAction.None)]
    public void Each_policy_decides_where_the_transcript_comes_from(TranscriptionPolicy policy, bool realtime, bool recording, TranscriptAction expected) =>
        Assert.Equal(expected, TranscriptPolicy.Decide(policy, realtime, recording));
}
