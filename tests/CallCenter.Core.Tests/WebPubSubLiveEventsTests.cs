using System.Net;
using Azure.Core;
using CallCenter.Core.Events;
using Microsoft.Extensions.Options;
using Moq;

namespace CallCenter.Core.Tests;

/// <summary>The Web PubSub client's requests as Azure sees them when the app signs in with its identity.</summary>
public sealed class WebPubSubLiveEventsTests
{
    private static readonly LiveEvent Started = new("CA1", LiveEventKind.CallStarted, null, null, 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Without_an_access_key_each_request_carries_the_identitys_token_fetched_once_while_it_is_valid()
    {
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.Is<TokenRequestContext>(r => r.Scopes.Single() == "https://webpubsub.azure.com/.default"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1)));
        var handler = new RecordingHandler("""{"token":"client-token"}""");
        var live = new WebPubSubLiveEvents(new Factory(handler), Options.Create(new WebPubSubOptions { Endpoint = new Uri("https://wps.example.com") }), TimeProvider.System, credential.Object);

        await live.PublishAsync("acme", [Started]);
        await live.PublishAsync("acme", [Started]);
        var url = await live.ClientUrlAsync("acme");

        credential.Verify(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.All(handler.Requests, r => Assert.Equal("Bearer entra-token", r.Authorization));
        Assert.Equal("https://wps.example.com/api/hubs/calls/groups/tenant-acme/:send?api-version=2024-12-01", handler.Requests[0].Url);
        Assert.Equal("""[{"callSid":"CA1","kind":"CallStarted","role":null,"text":null,"sequence":0,"at":"1970-01-01T00:00:00+00:00"}]""", handler.Requests[0].Body);
        Assert.Equal("https://wps.example.com/api/hubs/calls/:generateToken?userId=tenant-acme&group=tenant-acme&minutesToExpire=1&api-version=2024-12-01", handler.Requests[2].Url);
        Assert.Equal("wss://wps.example.com/client/hubs/calls?access_token=client-token", url.AbsoluteUri);
    }

    private sealed record Sent(string Url, string? Authorization, string Body);

    private sealed class RecordingHandler(string answer) : HttpMessageHandler
    {
        public List<Sent> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
            Requests.Add(new Sent(request.RequestUri!.AbsoluteUri, request.Headers.Authorization?.ToString(), body));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer) };
        }
    }

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
