namespace CallCenter.MediaBridge.Sessions;

/// <summary>
/// The caller's key presses (Twilio's <c>dtmf</c> events): each reaches the model as a user message saying the
/// key and when it was pressed, in the order pressed (they are sent from the loop that reads Twilio), and is
/// stored as a <c>dtmf</c> turn. A response is then asked for through the gate, so a press while the agent
/// speaks is answered after that response, never alongside it.
/// </summary>
internal sealed class Keypad(RealtimeConnection realtime, ResponseFlow responses, CallTranscript transcript)
{
    public async ValueTask PressedAsync(char digit, CancellationToken ct)
    {
        var item = CallControlEvents.DtmfItem(digit, transcript.Elapsed);
        transcript.KeyPressed(CallControlEvents.DtmfTurn(digit), item);
        await realtime.SendAsync(item, ct).ConfigureAwait(false);
        await responses.AskAsync(goodbye: false, ct).ConfigureAwait(false);
    }
}
