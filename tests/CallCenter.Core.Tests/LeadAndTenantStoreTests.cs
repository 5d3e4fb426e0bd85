using CallCenter.Core.Crm;
using CallCenter.Core.Storage;
using CallCenter.Core.Tenants;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallCenter.Core.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class LeadAndTenantStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private LeadStore Leads => _services.GetRequiredService<LeadStore>();
    private TenantStore Tenants => _services.GetRequiredService<TenantStore>();

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Twenty_concurrent_creates_for_one_phone_make_exactly_one_lead()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            Leads.GetOrCreateByPhoneAsync("acme", "+15557770000", LeadSources.InboundCall))));

        Assert.Single(results.Select(r => r.Lead.Id).Distinct());
        Assert.Single(results, r => r.Created);
        Assert.Single(await Leads.ListAsync("acme"));
    }

    [Fact]
    public async Task The_same_phone_in_two_tenants_is_two_leads()
    {
        var a = await Leads.GetOrCreateByPhoneAsync("tenant-a", "+15557770001", LeadSources.InboundCall);
        var b = await Leads.GetOrCreateByPhoneAsync("tenant-b", "+15557770001", LeadSources.InboundCall);

        Assert.True(a.Created);
        Assert.True(b.Created);
        Assert.NotEqual(a.Lead.Id, b.Lead.Id);
    }

    [Fact]
    public async Task Updating_a_lead_keeps_its_identity_and_moves_its_updated_time()
    {
        var (lead, _) = await Leads.GetOrCreateByPhoneAsync("acme", "+15557770002", LeadSources.InboundCall);

        var updated = await Leads.UpdateAsync("acme", lead.Id, l => l with { Name = "Dana", Phone = "+19999999999", Status = LeadStatuses.Qualified });

        Assert.NotNull(updated);
        Assert.Equal("Dana", updated.Name);
        Assert.Equal(lead.Phone, updated.Phone);
        Assert.Equal(LeadStatuses.Qualified, (await Leads.GetAsync("acme", lead.Id))!.Status);
        Assert.True(updated.UpdatedAt >= lead.UpdatedAt);
    }

    [Fact]
    public async Task A_tenant_is_found_by_its_voice_and_whatsapp_numbers()
    {
        await Tenants.SaveAsync(NewTenant("acme", "+15550100001", whatsApp: "+15550100009"));

        Assert.Equal("acme", (await Tenants.FindByVoiceNumberAsync("+15550100001"))?.Id);
        Assert.Equal("acme", (await Tenants.FindByWhatsAppNumberAsync("+15550100009"))?.Id);
        Assert.Null(await Tenants.FindByVoiceNumberAsync("+15550100009"));
        Assert.Null(await Tenants.FindByVoiceNumberAsync("+15550100002"));
    }

    [Fact]
    public async Task A_tenant_keeps_its_call_control_settings_across_a_save_and_a_read()
    {
        var saved = NewTenant("control", "+15550100101") with
        {
            TransferNumbers = ["+15550100199"],
            TransferHours = WeeklyHours.Parse("Mon-Fri 09:00-17:00"),
            CallingHours = WeeklyHours.Parse("Mon-Sat 10:00-19:00"),
            VoicemailMessage = "Hi {name}, this is Acme calling back.",
            SilenceRepromptSeconds = 6,
            SilenceGoodbyeSeconds = 10,
            DeleteTranscriptsOnRetention = true,
        };
        await Tenants.SaveAsync(saved);

        var read = await Tenants.GetAsync("control");

        Assert.NotNull(read);
        Assert.Equal(["+15550100199"], read.TransferNumbers);
        Assert.Equal(saved.TransferHours!.ToString(), read.TransferHours?.ToString());
        Assert.Equal(saved.CallingHours!.ToString(), read.CallingHours?.ToString());
        Assert.Equal(saved.VoicemailMessage, read.VoicemailMessage);
        Assert.Equal((6, 10, true), (read.SilenceRepromptSeconds, read.SilenceGoodbyeSeconds, read.DeleteTranscriptsOnRetention));
    }

    [Fact]
    public async Task A_number_owned_by_another_tenant_cannot_be_claimed_and_the_claimant_is_not_saved()
    {
        await Tenants.SaveAsync(NewTenant("first", "+15550200001"));

        await Assert.ThrowsAsync<NumberClaimedException>(() => Tenants.SaveAsync(NewTenant("second", "+15550200001")));

        Assert.Null(await Tenants.GetAsync("second"));
        Assert.Equal("first", (await Tenants.FindByVoiceNumberAsync("+15550200001"))?.Id);
    }

    [Fact]
    public async Task A_number_a_tenant_drops_is_released_for_another_tenant()
    {
        await Tenants.SaveAsync(NewTenant("first", "+15550300001"));
        await Tenants.SaveAsync(NewTenant("first", "+15550300002"));

        await Tenants.SaveAsync(NewTenant("second", "+15550300001"));

        Assert.Equal("second", (await Tenants.FindByVoiceNumberAsync("+15550300001"))?.Id);
        Assert.Equal("first", (await Tenants.FindByVoiceNumberAsync("+15550300002"))?.Id);
    }

    [Fact]
    public async Task A_tenant_round_trips_its_settings()
    {
        var tenant = NewTenant("acme", "+15550400001") with
        {
            Language = "he-IL",
            Voice = "shimmer",
            TimeZone = "Asia/Jerusalem",
            TranscriptionPolicy = TranscriptionPolicy.PreferRecording,
            RecordingRetentionDays = 30,
        };
        await Tenants.SaveAsync(tenant);

        var stored = await Tenants.GetAsync("acme");

        Assert.Equivalent(tenant, stored);
    }

    [Theory]
    [InlineData("A", "name", "+15550000000", "en-US", "UTC", "id")]
    [InlineData("acme", "", "+15550000000", "en-US", "UTC", "name")]
    [InlineData("acme", "Acme", "0501234567", "en-US", "UTC", "E.164")]
    [InlineData("acme", "Acme", "+15550000000", "english", "UTC", "language")]
    [InlineData("acme", "Acme", "+15550000000", "en-US", "Mars/Base", "time zone")]
    public void Invalid_tenants_are_reported(string id, string name, string number, string language, string timeZone, string expected)
    {
        var tenant = new Tenant { Id = id, Name = name, VoiceNumbers = [number], Language = language, TimeZone = timeZone };

        Assert.Contains(tenant.Validate(), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nova")]
    [InlineData("Alloy")]
    [InlineData("")]
    public void A_voice_openai_does_not_document_for_realtime_is_refused(string voice)
    {
        var tenant = NewTenant("acme", "+972501234567") with { Voice = voice };

        Assert.Contains(tenant.Validate(), e => e.StartsWith("voice must be one of", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_documented_realtime_voice_is_accepted() =>
        Assert.All(RealtimeVoices.All, v => Assert.Empty((NewTenant("acme", "+972501234567") with { Voice = v }).Validate()));

    [Fact]
    public void A_valid_tenant_has_no_errors() => Assert.Empty(NewTenant("acme", "+972501234567").Validate());

    private static Tenant NewTenant(string id, string number, string? whatsApp = null) =>
        new() { Id = id, Name = id.ToUpperInvariant(), VoiceNumbers = [number], WhatsAppNumber = whatsApp };

    [Fact]
    public async Task An_update_from_this_instances_copy_of_a_lead_another_instance_changed_since_applies_to_the_stored_lead()
    {
        var (lead, _) = await Leads.GetOrCreateByPhoneAsync("acme", "+15557770003", LeadSources.InboundCall);
        var other = new LeadStore(_services.GetRequiredService<CallCenterTables>(), TimeProvider.System);
        await Leads.UpdateAsync("acme", lead.Id, l => l with { Status = LeadStatuses.Qualified });
        await other.UpdateAsync("acme", lead.Id, l => l with { Status = LeadStatuses.Lost, Notes = "from the CRM" });

        // Nothing to do on this instance's copy (qualified there) is something to do on the stored lead.
        await Leads.UpdateAsync("acme", lead.Id, l => l with { Status = LeadStatuses.Qualified });
        Assert.Equal((LeadStatuses.Qualified, "from the CRM"), await StatusAndNotesAsync());

        // A change written from a copy the other instance moved on keeps that instance's change.
        await other.UpdateAsync("acme", lead.Id, l => l with { Name = "Dana" });
        await Leads.UpdateAsync("acme", lead.Id, l => l with { Notes = l.Notes + " + call" });
        var stored = (await Leads.GetAsync("acme", lead.Id))!;
        Assert.Equal(("Dana", LeadStatuses.Qualified, "from the CRM + call"), (stored.Name, stored.Status, stored.Notes));

        async Task<(string, string?)> StatusAndNotesAsync() => (await Leads.GetAsync("acme", lead.Id)) is { } l ? (l.Status, l.Notes) : default;
    }
    [Fact]
    public async Task A_lead_with_many_call_notes_keeps_the_latest_within_a_table_property_and_still_takes_updates()
    {
        var (lead, _) = await Leads.GetOrCreateByPhoneAsync("acme", "+15557770004", LeadSources.InboundCall);
        var lines = Enumerable.Range(1, 800).Select(i => $"[CA{i:D32}] call back about the quote, number {i}").ToList();

        await Leads.UpdateAsync("acme", lead.Id, l => l with { Notes = string.Join('\n', lines) });
        await Leads.UpdateAsync("acme", lead.Id, l => l with { Notes = l.Notes + "\n[CAlatest] send the invoice" });

        var notes = (await Leads.GetAsync("acme", lead.Id))!.Notes!;
        Assert.True(notes.Length <= LeadStore.MaxNotesLength, $"{notes.Length} characters");
        Assert.EndsWith("[CAlatest] send the invoice", notes, StringComparison.Ordinal);
        Assert.Contains(lines[^1], notes, StringComparison.Ordinal);
        Assert.DoesNotContain(lines[0], notes, StringComparison.Ordinal);
        Assert.StartsWith("[CA", notes, StringComparison.Ordinal);
    }
}
