namespace CallCenter.Local.Host;

/// <summary>What a simulated call did, as the caller experienced it.</summary>
public sealed record SimulatedCallResult(string CallSid, long AgentAudioMs, long CallerAudioMs, bool HungUpByAgent, string? RecordingSid);
