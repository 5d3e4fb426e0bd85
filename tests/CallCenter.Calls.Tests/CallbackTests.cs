using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Core.Callbacks;
using CallCenter.Core.Crm;
using CallCenter.Core.Tenants;
using CallCenter.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Time.Testing;

namespace CallCenter.Calls.Tests;

/// <summary>Callbacks on the real engine: each a durable timer, a decision and one dial through the outbound workflow.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class CallbackTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task A_hundred_callbacks_dial_each_lead_once_at_or_after_its_time_and_the_ten_cancelled_never_dial()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var leads = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => LeadAsync(tenant)));

        // Each due 20 s after its request (ten requests at a time, each fast even on a loaded machine), spread out,
        // so each dial is held to its own time; the ten to cancel are due in two minutes, so the cancel comes first
        // (their orchestrations end at the cancel).
        using var gate = new SemaphoreSlim(10);
        var created = await Task.WhenAll(leads.Select(async (lead, i) =>
        {
            await gate.WaitAsync();
            try
            {
                return await ScheduleAsync(tenant, key, lead.Id, DateTimeOffset.UtcNow.AddSeconds(i % 10 == 3 ? 120 : 20).AddMilliseconds(i * 30));
            }
            finally
            {
                gate.Release();
            }
        }));
        Assert.All(created, c => Assert.Equal("scheduled", c.GetProperty("status").GetString()));
        var cancelled = created.Where((_, i) => i % 10 == 3).ToList();
        foreach (var c in cancelled)
        {
            var answer = await _host.SendAsync(HttpMethod.Delete, $"/api/tenants/{tenant.Id}/callbacks/{Id(c)}", key);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("cancelled", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        // A bound far above the ~30 s this takes on an idle machine: a loaded one runs the engine many times slower.
        await WaitForAllAsync(created.Select(Id), TimeSpan.FromMinutes(3));

        var dials = _host.Twilio.CreatedCalls.Where(c => c["From"] == tenant.VoiceNumbers[0]).ToList();
        var cancelledPhones = cancelled.Select(c => c.GetProperty("phone").GetString()).ToHashSet();
        Assert.Equal(90, dials.Count);
        Assert.Equal(90, dials.Select(d => d["To"]).Distinct().Count());
        Assert.DoesNotContain(dials, d => cancelledPhones.Contains(d["To"]));
        var scheduledFor = created.ToDictionary(c => c.GetProperty("phone").GetString()!, c => c.GetProperty("scheduledFor").GetDateTimeOffset());
        Assert.All(dials, d => Assert.True(_host.Twilio.CallCreatedAt[d["Sid"]] >= scheduledFor[d["To"]], $"{d["To"]} dialled before its time"));

        var stored = await ListAsync(tenant, key, null);
        Assert.Equal(90, stored.Count(c => c.GetProperty("status").GetString() == "dialed" && c.GetProperty("callId").GetString()!.StartsWith("CA", StringComparison.Ordinal)));
        Assert.Equal(10, stored.Count(c => c.GetProperty("status").GetString() == "cancelled"));
        Assert.Equal(10, (await ListAsync(tenant, key, "cancelled")).Count);
    }

    [Fact]
    public async Task The_same_lead_and_time_posted_twice_is_one_callback_and_one_dial()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var lead = await LeadAsync(tenant);
        var at = DateTimeOffset.UtcNow.AddSeconds(6);

        var first = await ScheduleAsync(tenant, key, lead.Id, at);
        var second = await ScheduleAsync(tenant, key, lead.Id, at.ToOffset(TimeSpan.FromHours(2)));
        await WaitForAllAsync([Id(first)], TimeSpan.FromSeconds(30));

        Assert.Equal(Id(first), Id(second));
        Assert.Single(await ListAsync(tenant, key, null));
        Assert.Single(_host.Twilio.CreatedCalls, c => c["To"] == lead.Phone);
    }

    [Fact]
    public async Task A_callback_whose_lead_called_in_meanwhile_is_skipped_with_the_reason_and_never_dials()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var lead = await LeadAsync(tenant);
        var callback = await ScheduleAsync(tenant, key, lead.Id, DateTimeOffset.UtcNow.AddSeconds(6));

        // The lead calls in before the callback's time.
        var callSid = TwilioCall.NewCallSid();
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0], from: lead.Phone));
        await WaitForAllAsync([Id(callback)], TimeSpan.FromSeconds(30));

        var stored = await GetAsync(tenant, key, Id(callback));
        Assert.Equal("skipped", stored.GetProperty("status").GetString());
        Assert.Contains($"inbound call {callSid}", stored.GetProperty("statusReason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Twilio.CreatedCalls, c => c["To"] == lead.Phone);
    }

    [Fact]
    public async Task A_callback_the_agent_asked_for_starts_when_its_call_ends_and_dials_the_lead_once()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var lead = await LeadAsync(tenant);
        var callSid = TwilioCall.NewCallSid();
        await _host.PostTwilioAsync("/api/twilio/voice", TwilioCall.Voice(callSid, tenant.VoiceNumbers[0], from: lead.Phone));

        // What the bridge's schedule_callback stores during the call; nothing starts it yet.
        var at = DateTimeOffset.UtcNow.AddSeconds(5).ToString("O", CultureInfo.InvariantCulture);
        var (callback, _, _) = await _host.Get<CallbackRequests>().RequestAsync(tenant, lead.Id, at, "wants a quote", CallbackSources.Call, callSid);
        Assert.Null(await _host.Durable.GetInstanceAsync(CallbackWorkflowNames.InstanceId(callback!.Id)));

        // The call's end, delivered twice as Twilio may.
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3, from: lead.Phone));
        await _host.PostTwilioAsync("/api/twilio/status", TwilioCall.Status(callSid, tenant.VoiceNumbers[0], "completed", 3, from: lead.Phone));
        await WaitForAllAsync([callback.Id], TimeSpan.FromSeconds(60));

        var stored = await GetAsync(tenant, key, callback.Id);
        Assert.Equal(("dialed", "call"), (stored.GetProperty("status").GetString(), stored.GetProperty("source").GetString()));
        var dial = Assert.Single(_host.Twilio.CreatedCalls, c => c["To"] == lead.Phone);
        Assert.Equal(dial["Sid"], stored.GetProperty("callId").GetString());
    }

    [Fact]
    public async Task A_call_finds_the_callbacks_its_agent_asked_for_and_the_tenant_lists_each_callback_once()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var (first, second) = (await LeadAsync(tenant), await LeadAsync(tenant));
        var requests = _host.Get<CallbackRequests>();
        var (callA, callB) = (TwilioCall.NewCallSid(), TwilioCall.NewCallSid());
        string At(int days) => DateTimeOffset.UtcNow.AddDays(days).ToString("O", CultureInfo.InvariantCulture);

        var (askedByA, _, _) = await requests.RequestAsync(tenant, first.Id, At(1), null, CallbackSources.Call, callA);
        var (askedByB, _, _) = await requests.RequestAsync(tenant, second.Id, At(1), null, CallbackSources.Call, callB);
        // The same lead and time asked again by the other call is the first call's callback, not a second one.
        var (again, _, created) = await requests.RequestAsync(tenant, first.Id, At(1), null, CallbackSources.Call, callB);
        var (fromApi, _, _) = await requests.RequestAsync(tenant, second.Id, At(2), null, CallbackSources.Api);

        var store = _host.Get<CallbackStore>();
        Assert.Equal([askedByA!.Id], (await store.ListRequestedByCallAsync(tenant.Id, callA)).Select(c => c.Id));
        Assert.Equal([askedByB!.Id], (await store.ListRequestedByCallAsync(tenant.Id, callB)).Select(c => c.Id));
        Assert.Empty(await store.ListRequestedByCallAsync(tenant.Id, TwilioCall.NewCallSid()));
        Assert.False(created);
        Assert.Equal(askedByA.Id, again!.Id);
        var listed = await ListAsync(tenant, key, null);
        Assert.Equal(new[] { askedByA.Id, askedByB.Id, fromApi!.Id }.Order(StringComparer.Ordinal), listed.Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await ListAsync(tenant, key, "scheduled")).Count);
    }

    [Fact]
    public async Task A_cancel_after_the_dial_is_409_and_the_callback_stays_dialed()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var lead = await LeadAsync(tenant);
        var callback = await ScheduleAsync(tenant, key, lead.Id, DateTimeOffset.UtcNow.AddSeconds(5));
        await WaitForAllAsync([Id(callback)], TimeSpan.FromSeconds(30));

        var cancel = await _host.SendAsync(HttpMethod.Delete, $"/api/tenants/{tenant.Id}/callbacks/{Id(callback)}", key);

        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        var stored = await GetAsync(tenant, key, Id(callback));
        Assert.Equal("dialed", stored.GetProperty("status").GetString());
        var dial = Assert.Single(_host.Twilio.CreatedCalls, c => c["To"] == lead.Phone);
        Assert.Equal(dial["Sid"], stored.GetProperty("callId").GetString());
    }

    [Fact]
    public async Task Bad_callback_requests_are_refused_with_400_and_store_nothing()
    {
        var (tenant, key) = await _host.NewTenantWithKeyAsync();
        var lead = await LeadAsync(tenant);
        var future = DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        object[] bodies =
        [
            new { leadId = lead.Id, at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture) },
            new { leadId = lead.Id, at = "2030-01-01T09:00:00" },
            new { leadId = lead.Id, at = "tomorrow" },
            new { leadId = "no-such-lead", at = future },
            new { leadId = lead.Id, at = future, reason = new string('x', 501) },
            new { at = future },
        ];

        foreach (var body in bodies)
        {
            var answer = await _host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant.Id}/callbacks", key, body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(await ListAsync(tenant, key, null));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.SendAsync(HttpMethod.Delete, $"/api/tenants/{tenant.Id}/callbacks/CB{new string('0', 32)}", key)).StatusCode);
    }

    [Fact]
    public async Task A_callback_due_outside_calling_hours_is_scheduled_for_the_next_opening_in_the_tenant_zone()
    {
        // Saturday 2026-12-05 12:00 UTC; the tenant calls Mon-Fri 09:00-17:00 New York time.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var tenant = await _host.NewTenantAsync() with { TimeZone = "America/New_York", CallingHours = WeeklyHours.Parse("Mon-Fri 09:00-17:00") };
        var lead = await LeadAsync(tenant);
        var requests = new CallbackRequests(_host.Get<LeadStore>(), _host.Get<CallbackStore>(), clock);

        var (outside, _, _) = await requests.RequestAsync(tenant, lead.Id, "2026-12-05T10:00:00-05:00", "quote", CallbackSources.Api);
        var (inside, _, _) = await requests.RequestAsync(tenant, lead.Id, "2026-12-07T10:00:00-05:00", null, CallbackSources.Api);
        var (past, errors, _) = await requests.RequestAsync(tenant, lead.Id, "2026-12-05T11:59:00Z", null, CallbackSources.Api);

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 14, 0, 0, TimeSpan.Zero), outside!.ScheduledFor);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 15, 0, 0, TimeSpan.Zero), outside.DueAt);
        Assert.Equal(clock.GetUtcNow(), outside.RequestedAt);
        Assert.Equal(inside!.DueAt, inside.ScheduledFor);
        Assert.Null(past);
        Assert.Contains(errors, e => e.Contains("future", StringComparison.Ordinal));
    }

    private async Task<Lead> LeadAsync(Tenant tenant) =>
        (await _host.Get<LeadStore>().GetOrCreateByPhoneAsync(tenant.Id, "+1666" + Random.Shared.Next(1_000_000, 9_999_999), LeadSources.Api)).Lead;

    private async Task<JsonElement> ScheduleAsync(Tenant tenant, string key, string leadId, DateTimeOffset at)
    {
        var answer = await _host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant.Id}/callbacks", key,
            new { leadId, at = at.ToString("O", CultureInfo.InvariantCulture), reason = "asked to be called back" });
        Assert.True(answer.StatusCode == HttpStatusCode.Created, await answer.Content.ReadAsStringAsync());
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> GetAsync(Tenant tenant, string key, string id) =>
        await (await _host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant.Id}/callbacks/{id}", key)).Content.ReadFromJsonAsync<JsonElement>();

    private async Task<List<JsonElement>> ListAsync(Tenant tenant, string key, string? status)
    {
        var items = new List<JsonElement>();
        string? continuation = null;
        do
        {
            var query = $"?limit=200{(status is null ? "" : "&status=" + status)}{(continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))}";
            var page = await (await _host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant.Id}/callbacks{query}", key)).Content.ReadFromJsonAsync<JsonElement>();
            items.AddRange(page.GetProperty("items").EnumerateArray());
            continuation = page.TryGetProperty("continuation", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        }
        while (continuation is not null);
        return items;
    }

    private async Task WaitForAllAsync(IEnumerable<string> callbackIds, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var ids = callbackIds.ToList();
        try
        {
            var done = await Task.WhenAll(ids.Select(id => _host.Durable.WaitForInstanceCompletionAsync(CallbackWorkflowNames.InstanceId(id), cts.Token)));
            Assert.All(done, d => Assert.Equal(OrchestrationRuntimeStatus.Completed, d.RuntimeStatus));
        }
        catch (OperationCanceledException)
        {
            // Say where the unfinished ones stand, rather than only that time ran out.
            var states = new List<string>();
            foreach (var id in ids)
            {
                var instance = await _host.Durable.GetInstanceAsync(CallbackWorkflowNames.InstanceId(id));
                if (instance?.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
                {
                    states.Add($"{id}: {instance?.RuntimeStatus.ToString() ?? "missing"} since {instance?.LastUpdatedAt:O}");
                }
            }

            Assert.Fail($"{states.Count} of {ids.Count} callbacks unfinished after {timeout}: {string.Join("; ", states.Take(5))}");
        }
    }

    private static string Id(JsonElement callback) => callback.GetProperty("id").GetString()!;
}
