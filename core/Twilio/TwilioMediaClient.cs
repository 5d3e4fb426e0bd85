using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CallCenter.Core.Faults;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Twilio;

public sealed class TwilioMediaClient(HttpClient http, IOptions<TwilioOptions> options) : ITwilioMedia
{
    public async Task<Stream> OpenRecordingAsync(Uri recordingUrl, CancellationToken ct = default)
    {
        // Credentials go only to Twilio (or the configured fake): never to a URL a forged callback names.
        if (!options.Value.IsTrustedMediaUrl(recordingUrl))
        {
            throw new PermanentFailureException($"Refusing to fetch a recording from {recordingUrl.Host}.");
        }

        var wav = new Uri(recordingUrl.AbsoluteUri.EndsWith(".wav", StringComparison.Ordinal) ? recordingUrl.AbsoluteUri : recordingUrl.AbsoluteUri + ".wav");
        using var request = Authorized(HttpMethod.Get, wav);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadAsStreamAsync(ct);
        }

        response.Dispose();
        throw Failure(response.StatusCode, "fetching the recording");
    }

    public async Task DeleteRecordingAsync(string recordingSid, CancellationToken ct = default)
    {
        var o = options.Value;
        var url = new Uri(o.ApiBaseUrl, $"/2010-04-01/Accounts/{o.AccountSid}/Recordings/{recordingSid}.json");
        using var request = Authorized(HttpMethod.Delete, url);
        using var response = await http.SendAsync(request, ct);
        // Already gone is what we wanted.
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw Failure(response.StatusCode, "deleting the recording");
        }
    }

    private HttpRequestMessage Authorized(HttpMethod method, Uri url)
    {
        var o = options.Value;
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AccountSid}:{o.AuthToken}")));
        return request;
    }

    private static Exception Failure(HttpStatusCode status, string what) =>
        (int)status is 408 or 429 or >= 500
            ? new HttpRequestException($"Twilio answered {(int)status} {what}.", null, status)
            : new PermanentFailureException($"Twilio answered {(int)status} {what}.");
}
