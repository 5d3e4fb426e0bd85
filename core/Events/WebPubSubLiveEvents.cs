using System.Buffers;
using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace CallCenter.Core.Events;

/// <summary>
/// Azure Web PubSub over its documented data-plane REST API (no SDK is served here): send to a tenant's
/// group, and generate a client access token that joins the dashboard to that group on connect.
/// </summary>
public sealed class WebPubSubLiveEvents(IHttpClientFactory http, IOptions<WebPubSubOptions> options, TimeProvider time, TokenCredential? credential = null)
    : ILiveEvents, ILiveEventsNegotiation
{
    public const string HttpClientName = "web-pubsub";
    private const string ApiVersion = "2024-12-01";
    private static readonly string[] Scopes = ["https://webpubsub.azure.com/.default"];
    private readonly WebPubSubOptions _options = options.Value;
    private readonly TokenCredential _credential = credential ?? new DefaultAzureCredential();
    private CachedToken? _entraToken;

    public async Task PublishAsync(string tenantId, IReadOnlyList<LiveEvent> events, CancellationToken ct = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        using var request = await RequestAsync($"groups/{LiveEventWire.Group(tenantId)}/:send", "", ct);
        request.Content = new ByteArrayContent(LiveEventWire.Serialize(events));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    }

    public async Task<Uri> ClientUrlAsync(string tenantId, CancellationToken ct = default)
    {
        var group = LiveEventWire.Group(tenantId);
        using var request = await RequestAsync(":generateToken", $"userId={group}&group={group}&minutesToExpire={_options.ClientTokenMinutes}&", ct);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var token = body.RootElement.GetProperty("token").GetString();
        var scheme = _options.Endpoint.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return new Uri($"{scheme}://{_options.Endpoint.Authority}/client/hubs/{_options.Hub}?access_token={Uri.EscapeDataString(token!)}");
    }

    /// <summary>A POST to <c>{endpoint}/api/hubs/{hub}/{operation}</c>, authenticated by key or by identity.</summary>
    private async Task<HttpRequestMessage> RequestAsync(string operation, string query, CancellationToken ct)
    {
        var url = new Uri(_options.Endpoint, $"/api/hubs/{_options.Hub}/{operation}?{query}api-version={ApiVersion}");
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        var bearer = string.IsNullOrEmpty(_options.AccessKey) ? await EntraTokenAsync(ct) : KeyToken(url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    private async ValueTask<string> EntraTokenAsync(CancellationToken ct)
    {
        // The identity's token is reused until five minutes before it expires: one token call per hour, not per event.
        // One reference, so a reader never sees half of a token another thread is writing.
        if (Volatile.Read(ref _entraToken) is not { } cached || cached.ExpiresOn - time.GetUtcNow() < TimeSpan.FromMinutes(5))
        {
            var token = await _credential.GetTokenAsync(new TokenRequestContext(Scopes), ct);
            cached = new CachedToken(token.Token, token.ExpiresOn);
            Volatile.Write(ref _entraToken, cached);
        }

        return cached.Token;
    }

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresOn);

    /// <summary>The access-key form the REST API documents: HS256, audience = the request URL, short expiry.</summary>
    private string KeyToken(Uri url)
    {
        var exp = time.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds();
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(KeyTokenClaims(url, exp));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_options.AccessKey!), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary><c>{"aud":…,"exp":…}</c>, written directly: the bridge's Native AOT build has no reflection-based serializer.</summary>
    private static byte[] KeyTokenClaims(Uri url, long exp)
    {
        var claims = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(claims))
        {
            json.WriteStartObject();
            json.WriteString("aud", url.AbsoluteUri);
            json.WriteNumber("exp", exp);
            json.WriteEndObject();
        }

        return claims.WrittenSpan.ToArray();
    }
}
