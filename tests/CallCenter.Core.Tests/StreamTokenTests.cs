using CallCenter.Core.Calls;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.Core.Tests;

public sealed class StreamTokenTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private StreamTokens Tokens(string key = "0123456789abcdef0123456789abcdef") =>
        new(Options.Create(new BridgeOptions { StreamUrl = new Uri("wss://bridge.example/media"), TokenSigningKey = key }), _time);

    [Fact]
    public void An_issued_token_verifies_with_its_claims_until_it_expires()
    {
        var token = Tokens().Issue("acme", "CA123", CallDirection.Outbound);

        Assert.Equal(StreamTokenError.None, Tokens().Verify(token, out var claims));
        Assert.Equal(new StreamClaims("acme", "CA123", CallDirection.Outbound, _time.GetUtcNow().AddMinutes(5)), claims);
        Assert.True(token.Length < 500);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(StreamTokenError.Expired, Tokens().Verify(token, out claims));
        Assert.Null(claims);
    }

    [Fact]
    public void A_token_naming_the_twilio_folder_and_an_unanswered_transfer_carries_both_whole_within_twilios_limit()
    {
        var tenant = new string('t', 64);
        var folder = new Uri("https://callcenter-prod-functions.example.com/some/prefix|with-a-bar/api/twilio/");

        var token = Tokens().Issue(tenant, "CA" + new string('0', 32), CallDirection.Inbound, folder, "no-answer");

        Assert.Equal(StreamTokenError.None, Tokens().Verify(token, out var claims));
        Assert.Equal((tenant, folder, "no-answer"), (claims!.TenantId, claims.TwilioBase, claims.AfterTransfer));
        Assert.True(token.Length < 500, $"{token.Length} characters");
        Tokens().Verify(Tokens().Issue("acme", "CA123", CallDirection.Inbound), out var plain);
        Assert.Equal((null, null), (plain!.TwilioBase, plain.AfterTransfer));
    }

    [Fact]
    public void A_token_signed_with_another_key_or_altered_is_refused()
    {
        var token = Tokens().Issue("acme", "CA123", CallDirection.Inbound);
        var forged = Tokens("another-key-another-key-another-key").Issue("acme", "CA123", CallDirection.Inbound);
        var otherTenant = Tokens().Issue("globex", "CA123", CallDirection.Inbound);
        var spliced = otherTenant.Split('.')[0] + "." + token.Split('.')[1];

        Assert.Equal(StreamTokenError.BadSignature, Tokens().Verify(forged, out _));
        Assert.Equal(StreamTokenError.BadSignature, Tokens().Verify(spliced, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public void Malformed_tokens_are_refused(string? token) =>
        Assert.Equal(StreamTokenError.Malformed, Tokens().Verify(token, out _));

    [Fact]
    public void Who_answered_an_outbound_call_is_signed_into_its_token()
    {
        var token = Tokens().Issue("acme", "CA123", CallDirection.Outbound, answeredBy: "machine_end_beep");

        Assert.Equal(StreamTokenError.None, Tokens().Verify(token, out var claims));
        Assert.Equal("machine_end_beep", claims!.AnsweredBy);
        Assert.True(claims.AnsweredByMachine);

        // Claiming a person answered, on a token signed for a machine, breaks the signature.
        var payload = System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0]);
        var human = System.Text.Encoding.UTF8.GetString(payload).Replace("machine_end_beep", "human", StringComparison.Ordinal);
        var altered = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(human)) + "." + token.Split('.')[1];
        Assert.Equal(StreamTokenError.BadSignature, Tokens().Verify(altered, out _));
    }

    [Fact]
    public void An_answered_by_value_twilio_does_not_document_is_left_out_of_the_token()
    {
        var token = Tokens().Issue("acme", "CA123", CallDirection.Outbound, answeredBy: "robot|extra");

        Assert.Equal(StreamTokenError.None, Tokens().Verify(token, out var claims));
        Assert.Null(claims!.AnsweredBy);
        Assert.False(claims.AnsweredByMachine);
    }
}
