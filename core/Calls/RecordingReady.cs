namespace CallCenter.Core.Calls;

/// <summary>Raised by the recording callback; <see cref="Status"/> is Twilio's RecordingStatus.</summary>
public sealed record RecordingReady(string RecordingSid, string RecordingUrl, string Status, int? DurationSeconds, int Channels);
