using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Webhooks;

/// <summary>
/// Posts a signed event to an endpoint. The connection goes to an address checked as it is made (the name is
/// resolved here and only allowed addresses are dialled), redirects are not followed, the request is bounded
/// by <see cref="WebhookOptions.RequestTimeout"/>, and the answer's body is never read.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _allowLoopback;

    public WebhookSender(IOptions<WebhookOptions> options)
    {
        _allowLoopback = options.Value.AllowLoopback;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = options.Value.RequestTimeout,
            // Short-lived connections, so a name that now resolves elsewhere is checked again soon.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = options.Value.RequestTimeout };
    }

    public async Task<WebhookSendResult> SendAsync(Uri url, string body, string signature, string eventId, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, signature);
        request.Headers.TryAddWithoutValidation("CallCenter-Event-Id", eventId);
        request.Headers.UserAgent.ParseAdd("CallCenter-Webhooks/1");
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return new WebhookSendResult(code, code is >= 200 and < 300 ? null : $"answered {code}");
        }
        catch (HttpRequestException e)
        {
            return new WebhookSendResult(null, e.InnerException is RefusedAddressException refused ? refused.Message : e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookSendResult(null, "timed out");
        }
    }

    public void Dispose() => _http.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        var allowed = addresses.Where(a => WebhookAddresses.IsAllowed(a, _allowLoopback)).ToArray();
        if (allowed.Length == 0 || allowed.Length != addresses.Length)
        {
            throw new RefusedAddressException($"{host} resolves to an address webhooks may not reach");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
