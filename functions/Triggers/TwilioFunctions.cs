using CallCenter.Core.Calls;
using CallCenter.Core.Workflow;
using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallCenter.Functions.Triggers;

/// <summary>Twilio's voice, status and recording webhooks. Signatures are checked by the handlers.</summary>
public sealed class TwilioFunctions(
    WebhookRequests reader,
    VoiceWebhookHandler voice,
    CallStatusHandler status,
    RecordingCallbackHandler recording,
    CallWorkflowSignals signals,
    TransferWebhookHandler transfer)
{
    [Function("TwilioVoice")]
    public Task<IActionResult> Voice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/voice")] HttpRequest request) =>
        TwilioEndpoints.VoiceAsync(request, reader, voice).AsAction();

    [Function("TwilioStatus")]
    public Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/status")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        TwilioEndpoints.StatusAsync(request, reader, status, signals.For(client)).AsAction();

    [Function("TwilioRecording")]
    public Task<IActionResult> Recording(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/recording")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        TwilioEndpoints.RecordingAsync(request, reader, recording, signals.For(client)).AsAction();

    [Function("TwilioTransfer")]
    public Task<IActionResult> Transfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/transfer")] HttpRequest request) =>
        TwilioEndpoints.TransferAsync(request, reader, transfer).AsAction();

    [Function("TwilioTransferWhisper")]
    public Task<IActionResult> TransferWhisper(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/transfer/whisper")] HttpRequest request) =>
        TwilioEndpoints.TransferWhisperAsync(request, reader, transfer).AsAction();

    [Function("TwilioTransferResult")]
    public Task<IActionResult> TransferResult(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "twilio/transfer/result")] HttpRequest request) =>
        TwilioEndpoints.TransferResultAsync(request, reader, transfer).AsAction();
}
