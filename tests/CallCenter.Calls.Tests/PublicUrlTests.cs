using CallCenter.Core.Twilio;
using CallCenter.Fakes;
using CallCenter.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CallCenter.Calls.Tests;

/// <summary>The URL a Twilio signature is checked against: the configured public base, path prefix included, always wins.</summary>
public sealed class PublicUrlTests
{
    private const string Token = "test-twilio-auth-token-0123456789";

    private static WebhookRequests Reader(string? publicBase, bool trustForwarded = true) =>
        new(Options.Create(new TwilioOptions
        {
            AccountSid = "AC" + new string('0', 32),
            AuthToken = Token,
            PublicBaseUrl = publicBase is null ? null : new Uri(publicBase),
            TrustForwardedHeaders = trustForwarded,
        }));

    private static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("10.0.0.7:8080");
        context.Request.Path = "/api/twilio/voice";
        context.Request.QueryString = new QueryString("?cc_call=oc123");
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }

    [Theory]
    [InlineData("https://calls.example.com/cc/")]
    [InlineData("https://calls.example.com/cc")]
    public void The_public_base_and_its_path_prefix_win_over_forwarded_headers(string publicBase)
    {
        var url = Reader(publicBase).PublicUrl(Request(("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "http")));

        Assert.Equal("https://calls.example.com/cc/api/twilio/voice?cc_call=oc123", url);
    }

    [Fact]
    public void Forwarded_headers_count_only_without_a_public_base_and_only_when_trusted()
    {
        var forwarded = Request(("X-Forwarded-Host", "calls.example.com"), ("X-Forwarded-Proto", "https"));

        Assert.Equal("https://calls.example.com/api/twilio/voice?cc_call=oc123", Reader(null).PublicUrl(forwarded));
        Assert.Equal("http://10.0.0.7:8080/api/twilio/voice?cc_call=oc123", Reader(null, trustForwarded: false).PublicUrl(forwarded));
    }

    [Fact]
    public void A_signature_over_the_prefixed_public_url_validates_behind_a_path_proxy_and_one_over_the_forwarded_host_does_not()
    {
        var form = new Dictionary<string, string> { ["CallSid"] = "CA" + new string('1', 32), ["To"] = "+15550001111" };
        var reader = Reader("https://calls.example.com/cc/");
        var request = Request(("X-Forwarded-Host", "evil.example"));
        var validator = new TwilioSignature(Options.Create(new TwilioOptions { AccountSid = "AC" + new string('0', 32), AuthToken = Token }));

        var twilios = TwilioRequestSigner.Sign(Token, "https://calls.example.com/cc/api/twilio/voice?cc_call=oc123", form);
        var forged = TwilioRequestSigner.Sign(Token, "https://evil.example/api/twilio/voice?cc_call=oc123", form);

        Assert.True(validator.IsValid(new TwilioWebhook(reader.PublicUrl(request), form, twilios)));
        Assert.False(validator.IsValid(new TwilioWebhook(reader.PublicUrl(request), form, forged)));
    }

    [Fact]
    public void Urls_we_give_Twilio_keep_the_public_path_prefix()
    {
        var options = new TwilioOptions { PublicBaseUrl = new Uri("https://calls.example.com/cc/") };

        Assert.Equal("https://calls.example.com/cc/api/whatsapp/twilio", options.PublicUrl("api/whatsapp/twilio").AbsoluteUri);
        Assert.Equal("https://calls.example.com/cc/api/twilio/recording", new Uri(new Uri("https://calls.example.com/cc/api/twilio/voice?x=1"), Core.Calls.VoiceWebhookHandler.RecordingCallbackPath).AbsoluteUri);
    }
}
