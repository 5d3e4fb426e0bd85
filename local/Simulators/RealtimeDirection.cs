namespace CallCenter.Simulators;

/// <summary>Which way an event crossed a Realtime session.</summary>
public enum RealtimeDirection
{
    ClientToServer,
    ServerToClient,
}
