using System.Net;
using CallCenter.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace CallCenter.Calls.Tests;

/// <summary>Where webhooks may go: https to public addresses in Azure; loopback only where the local host allows it; checked again at connect.</summary>
public sealed class WebhookUrlPolicyTests
{
    private static readonly WebhookUrlPolicy Azure = new(Options.Create(new WebhookOptions { AllowLoopback = false }));
    private static readonly WebhookUrlPolicy Local = new(Options.Create(new WebhookOptions { AllowLoopback = true }));

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://10.0.0.5/hook")]
    [InlineData("https://169.254.169.254/metadata")]
    [InlineData("http://example.com/hook")]
    [InlineData("https://user:pass@example.com/hook")]
    [InlineData("hook")]
    public async Task Azure_refuses_loopback_private_link_local_plain_http_and_credentials(string url)
    {
        var (accepted, refusal) = await Azure.CheckAsync(url);

        Assert.Null(accepted);
        Assert.NotNull(refusal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost:8080/hook")]
    public async Task The_local_host_accepts_loopback_over_http(string url)
    {
        var (accepted, refusal) = await Local.CheckAsync(url);

        Assert.Null(refusal);
        Assert.Equal(new Uri(url), accepted);
    }

    [Theory]
    [InlineData("https://10.0.0.5/hook")]
    [InlineData("http://192.168.1.1/hook")]
    [InlineData("https://100.64.0.1/hook")]
    public async Task The_local_host_still_refuses_private_addresses(string url) =>
        Assert.NotNull((await Local.CheckAsync(url)).Refusal);

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("169.254.169.254")]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00::1")]
    [InlineData("fc00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    public void Non_public_addresses_are_refused(string address) =>
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.Parse(address), allowLoopback: false));

    [Fact]
    public async Task At_delivery_a_host_that_now_resolves_to_loopback_is_not_connected_to()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Registered where loopback was allowed; delivered by a sender that is not: the connect-time check decides.
        using var sender = new WebhookSender(Options.Create(new WebhookOptions { AllowLoopback = false }));
        var local = new UriBuilder(receiver.Url) { Host = "localhost" }.Uri;

        var result = await sender.SendAsync(local, "{}", "t=0,v1=00", "evt_test");

        Assert.Null(result.StatusCode);
        Assert.Contains("may not reach", result.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = new WebhookSender(Options.Create(new WebhookOptions { AllowLoopback = true }));

        var result = await sender.SendAsync(new Uri(receiver.Root, "redirect"), "{}", "t=0,v1=00", "evt_test");

        Assert.Equal(307, result.StatusCode);
        Assert.Empty(receiver.Received);
    }
}
