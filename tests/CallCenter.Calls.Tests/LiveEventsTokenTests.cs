using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using CallCenter.Core.Auth;
using CallCenter.Local.Host;

namespace CallCenter.Calls.Tests;

/// <summary>A dashboard's live-events URL ends with the key that got it: it can be used to connect for a minute at most.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class LiveEventsTokenTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task A_revoked_keys_live_events_url_expires_within_a_minute_and_the_key_gets_no_new_one()
    {
        var tenant = await _host.NewTenantAsync();
        var issued = await _host.Get<ApiKeyService>().IssueAsync(tenant.Id, "dashboard");
        var before = DateTimeOffset.UtcNow;

        var url = await LiveEventsSocket.NegotiateAsync(_host.Http, tenant.Id, issued.Key);
        await _host.Get<ApiKeyService>().RevokeAsync(tenant.Id, issued.Info.KeyId);

        var token = System.Web.HttpUtility.ParseQueryString(url.Query)["access_token"]!;
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]));
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("exp").GetInt64());
        Assert.InRange(expires - before, TimeSpan.Zero, TimeSpan.FromSeconds(61));

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenant.Id}/live/negotiate");
        again.Headers.Add("X-Api-Key", issued.Key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Http.SendAsync(again)).StatusCode);
    }
}
