using System.Text;
using CallCenter.Core.WhatsApp;
using Microsoft.Extensions.Options;

namespace CallCenter.Crm.Tests;

public sealed class MetaSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"object\":\"whatsapp_business_account\",\"entry\":[]}");

    [Fact]
    public void Accepts_the_hmac_of_the_exact_raw_body_with_the_app_secret_in_either_hex_case()
    {
        var signature = new MetaSignature(Options.Create(new WhatsAppOptions { MetaAppSecret = "app-secret-0123456789" }));
        var header = MetaSignature.Sign("app-secret-0123456789", Body);

        Assert.True(signature.IsValid(Body, header));
        Assert.True(signature.IsValid(Body, "sha256=" + header["sha256=".Length..].ToUpperInvariant()));
        Assert.False(signature.IsValid([.. Body, (byte)' '], header));
        Assert.False(signature.IsValid(Body, MetaSignature.Sign("another-secret-0123456789", Body)));
        Assert.False(signature.IsValid(Body, "sha256=zz" + header[9..]));
        Assert.False(signature.IsValid(Body, null));
    }

    [Fact]
    public void Without_a_configured_app_secret_every_body_is_refused()
    {
        var signature = new MetaSignature(Options.Create(new WhatsAppOptions()));

        Assert.False(signature.IsValid(Body, MetaSignature.Sign("", Body)));
    }
}
