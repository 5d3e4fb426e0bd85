using System.Net.Http.Headers;
using System.Text;
using CallCenter.Core.Twilio;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// Hangs up and redirects through Twilio's REST API (Calls update: status completed, or a new TwiML URL);
/// a hangup is idempotent on Twilio's side too. A plain form POST as Twilio documents it, not the Twilio SDK:
/// the SDK reads every answer into Newtonsoft.Json models, which do not survive the Native AOT build's trimming,
/// and the bridge needs nothing of the answer but its status.
/// </summary>
internal sealed class TwilioCallControl(IHttpClientFactory clients, IOptions<TwilioOptions> options) : ICallControl
{
    public const string HttpClientName = "twilio-calls";

    public Task HangUpAsync(string callSid, CancellationToken ct = default) =>
        UpdateAsync(callSid, [new("Status", "completed")], ct);

    public Task RedirectAsync(string callSid, Uri url, CancellationToken ct = default) =>
        UpdateAsync(callSid, [new("Url", url.AbsoluteUri), new("Method", "POST")], ct);

    private async Task UpdateAsync(string callSid, KeyValuePair<string, string>[] fields, CancellationToken ct)
    {
        var o = options.Value;
        var url = new Uri(o.ApiBaseUrl, $"/2010-04-01/Accounts/{o.AccountSid}/Calls/{Uri.EscapeDataString(callSid)}.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AccountSid}:{o.AuthToken}")));
        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // Twilio's error body (code, message) says why; it is short.
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new HttpRequestException(
                $"Twilio answered the update of call {callSid} with {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }
}
