using CallCenter.Simulators;

namespace CallCenter.MediaBridge.Tests;

/// <summary>What the simulated caller does in a <see cref="BridgeHarness"/> call, where several tests play the same.</summary>
public static class CallerScripts
{
    /// <summary>
    /// Two caller turns: after 600 ms of the greeting, 400 ms of speech and 400 ms of silence; after 1 s more of
    /// the agent, other speech and silence again. A script ending the call after two caller turns answers the
    /// second with end_call and a goodbye.
    /// </summary>
    public static IReadOnlyList<CallerStep> TwoTurns() =>
    [
        new CallerStep.WaitUntilHeard(600),
        new CallerStep.Send(CallerAudio.Speech(400)),
        new CallerStep.Send(CallerAudio.Silence(400)),
        new CallerStep.WaitUntilHeard(1000),
        new CallerStep.Send(CallerAudio.Speech(400, seed: 2)),
        new CallerStep.Send(CallerAudio.Silence(400)),
    ];
}
