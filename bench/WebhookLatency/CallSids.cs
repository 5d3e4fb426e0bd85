using System.Globalization;

namespace CallCenter.Bench.WebhookLatency;

/// <summary>
/// The CallSids of a phase of a run: a tag per phase and the call's index, so the bench can find the phase's
/// workflow instances (<c>call-CA{tag}…</c>) in the task hub's instance table without listing them.
/// </summary>
internal static class CallSids
{
    public static string Make(uint tag, int index) =>
        "CA" + tag.ToString("x8", CultureInfo.InvariantCulture) + index.ToString("x24", CultureInfo.InvariantCulture);

    public static string RecordingSid(string callSid) => "RE" + callSid[2..];

    /// <summary>The call workflow's instance id (CallWorkflowNames.InstanceId).</summary>
    public static string InstanceId(string callSid) => "call-" + callSid;

    /// <summary>Every instance id of the phase starts with this.</summary>
    public static string InstancePrefix(uint tag) => "call-CA" + tag.ToString("x8", CultureInfo.InvariantCulture);

    public static uint NewTag() => (uint)Random.Shared.NextInt64(0x10000000, 0xffffffff);
}
