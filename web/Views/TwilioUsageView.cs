namespace CallCenter.Web;

/// <summary>Twilio's billed minutes of a call: the call leg and its recording, per started minute.</summary>
public sealed record TwilioUsageView(int CallMinutes, int RecordingMinutes);
