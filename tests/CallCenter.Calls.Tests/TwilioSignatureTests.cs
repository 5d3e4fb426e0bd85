using CallCenter.Core.Twilio;
using CallCenter.Fakes;
using Microsoft.Extensions.Options;

namespace CallCenter.Calls.Tests;

public sealed class TwilioSignatureTests
{
    // Twilio's published example (security documentation): token 12345 and this URL and form.
    private const string ExampleUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string ExampleSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    private static readonly Dictionary<string, string> ExampleForm = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+14158675309",
        ["Digits"] = "1234",
        ["From"] = "+14158675309",
        ["To"] = "+18005551212",
    };

    private static TwilioSignature Validator(string token = "12345") =>
        new(Options.Create(new TwilioOptions { AccountSid = "AC" + new string('0', 32), AuthToken = token }));

    [Fact]
    public void Twilios_published_example_validates() =>
        Assert.True(Validator().IsValid(new TwilioWebhook(ExampleUrl, ExampleForm, ExampleSignature)));

    [Fact]
    public void The_test_client_signs_twilios_published_example_exactly_as_twilio_did() =>
        Assert.Equal(ExampleSignature, TwilioRequestSigner.Sign("12345", ExampleUrl, ExampleForm));

    [Fact]
    public void A_changed_parameter_fails()
    {
        var changed = new Dictionary<string, string>(ExampleForm) { ["Digits"] = "1235" };
        Assert.False(Validator().IsValid(new TwilioWebhook(ExampleUrl, changed, ExampleSignature)));
    }

    [Fact]
    public void A_wrong_auth_token_fails() =>
        Assert.False(Validator("54321").IsValid(new TwilioWebhook(ExampleUrl, ExampleForm, ExampleSignature)));

    [Fact]
    public void A_changed_url_fails() =>
        Assert.False(Validator().IsValid(new TwilioWebhook(ExampleUrl.Replace("foo=1", "foo=2", StringComparison.Ordinal), ExampleForm, ExampleSignature)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_signature_fails(string? signature) =>
        Assert.False(Validator().IsValid(new TwilioWebhook(ExampleUrl, ExampleForm, signature)));
}
