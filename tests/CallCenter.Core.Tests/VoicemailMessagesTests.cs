using CallCenter.Core.Calls;
using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;

namespace CallCenter.Core.Tests;

/// <summary>The voicemail template with the lead's fields filled in.</summary>
public sealed class VoicemailMessagesTests
{
    private static readonly Tenant Acme = new() { Id = "acme", Name = "Acme Plumbing", VoiceNumbers = [] };
    private static readonly Lead Dana = new() { TenantId = "acme", Id = "l1", Phone = "+15550100", Name = "Dana", Status = "qualified" };

    [Fact]
    public void The_leads_fields_and_the_company_are_filled_in()
    {
        var tenant = Acme with { VoicemailMessage = "Hi {name}, this is {company} about your {status} request. Call {phone}." };

        Assert.Equal("Hi Dana, this is Acme Plumbing about your qualified request. Call +15550100.", VoicemailMessages.Fill(tenant, Dana));
    }

    [Fact]
    public void A_field_the_lead_lacks_is_left_out_with_its_space_and_unknown_braces_stay()
    {
        var tenant = Acme with { VoicemailMessage = "Hi {name}, this is {company}. Ref {ticket}." };

        Assert.Equal("Hi, this is Acme Plumbing. Ref {ticket}.", VoicemailMessages.Fill(tenant, Dana with { Name = null }));
        Assert.Equal("Hi, this is Acme Plumbing. Ref {ticket}.", VoicemailMessages.Fill(tenant, null));
    }

    [Fact]
    public void No_message_means_none_is_left()
    {
        Assert.Null(VoicemailMessages.Fill(Acme, Dana));
        Assert.Null(VoicemailMessages.Fill(Acme with { VoicemailMessage = "  " }, Dana));
    }
}
