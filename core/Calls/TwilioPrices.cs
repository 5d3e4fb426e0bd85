namespace CallCenter.Core.Calls;

/// <summary>Twilio's prices per started minute: a call leg by direction, and recording.</summary>
public sealed class TwilioPrices
{
    public decimal InboundMinute { get; set; } = 0.0085m;
    public decimal OutboundMinute { get; set; } = 0.014m;
    public decimal RecordingMinute { get; set; } = 0.0025m;
}
