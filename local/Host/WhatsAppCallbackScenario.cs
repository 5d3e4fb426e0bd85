using System.Globalization;
using System.Text.Json;
using CallCenter.Core.Tenants;
using CallCenter.Fakes;

namespace CallCenter.Local.Host;

/// <summary>
/// <c>--scenario whatsapp-callback</c>: the demo lead writes on WhatsApp (Twilio's webhook, signed, delivered twice as
/// a provider may) asking to be called back 15 s ahead; the agent's model calls <c>schedule_callback</c>, the reply
/// says when, and the one callback (source <c>whatsapp</c>) dials the lead at its time, who answers. A second message
/// with a time the tool refuses gets a reply saying why, and no callback.
/// </summary>
public static class WhatsAppCallbackScenario
{
    public static async Task<SimulatedCallResult> RunAsync(LocalStack stack, PhoneNetwork network, string adminKey, Action<string> say, CancellationToken ct)
    {
        var services = stack.Host.Services;
        var tenants = services.GetRequiredService<TenantStore>();
        var tenant = await tenants.GetAsync(DemoTenant.Id, ct) ?? throw new InvalidOperationException("the demo tenant is seeded first");
        if (tenant.WhatsAppNumber is null)
        {
            await tenants.SaveAsync(tenant with { WhatsAppNumber = DemoTenant.Number }, ct);
        }

        var messaging = stack.Messaging ?? throw new InvalidOperationException("the scenario needs the Twilio Messages stand-in");
        var (answered, answer) = CallbackScenario.AnswerDials(network, say, ct);

        stack.Twilio!.CallCreated += answer;
        try
        {
            using var http = new HttpClient { BaseAddress = stack.Host.BaseUrl };
            var at = DateTimeOffset.UtcNow.AddSeconds(15).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            var asked = $"Hi, this is Dana. Please call me back at {at}";
            var sid = "SM" + Guid.NewGuid().ToString("N");
            for (var delivery = 1; delivery <= 2; delivery++)
            {
                var status = await PostMessageAsync(http, stack, sid, asked, ct);
                say($"WhatsApp from {DemoTenant.LeadPhone} (delivery {delivery} of the same message, {status}): \"{asked}\"");
            }

            say($"reply: \"{await ReplyAsync(messaging, 1, ct)}\"");
            foreach (var callback in await CallbacksAsync(http, adminKey, at, ct))
            {
                say($"callback {callback.GetProperty("id").GetString()}: {callback.GetProperty("status").GetString()}, source {callback.GetProperty("source").GetString()}, scheduled for {callback.GetProperty("scheduledFor").GetDateTimeOffset():HH:mm:ss} UTC");
            }

            var refused = "And if not, call me back at teatime";
            await PostMessageAsync(http, stack, "SM" + Guid.NewGuid().ToString("N"), refused, ct);
            say($"WhatsApp from {DemoTenant.LeadPhone}: \"{refused}\"");
            say($"reply: \"{await ReplyAsync(messaging, 2, ct)}\" (no callback stored for it)");

            var result = await answered.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);
            foreach (var callback in await CallbacksAsync(http, adminKey, at, ct))
            {
                say($"callback {callback.GetProperty("id").GetString()}: {callback.GetProperty("status").GetString()}, call {(callback.TryGetProperty("callId", out var c) ? c.GetString() : "-")}");
            }

            return result;
        }
        finally
        {
            stack.Twilio.CallCreated -= answer;
        }
    }

    /// <summary>An inbound WhatsApp message as Twilio posts it, signed with the stand-in's auth token.</summary>
    private static async Task<int> PostMessageAsync(HttpClient http, LocalStack stack, string sid, string body, CancellationToken ct)
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = sid,
            ["AccountSid"] = LocalStack.AccountSid,
            ["From"] = "whatsapp:" + DemoTenant.LeadPhone,
            ["To"] = "whatsapp:" + DemoTenant.Number,
            ["Body"] = body,
            ["NumMedia"] = "0",
            ["ProfileName"] = "Dana",
        };
        var url = new Uri(stack.Host.BaseUrl, "/api/whatsapp/twilio");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioRequestSigner.Sign(LocalStack.AuthToken, url.AbsoluteUri, form));
        using var response = await http.SendAsync(request, ct);
        return (int)response.StatusCode;
    }

    /// <summary>The text of the <paramref name="nth"/> reply to the lead this run sent.</summary>
    private static async Task<string> ReplyAsync(FakeTwilioMessaging messaging, int nth, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        while (messaging.Sent.Count(m => m.To == "whatsapp:" + DemoTenant.LeadPhone) < nth)
        {
            await Task.Delay(100, timeout.Token);
        }

        return messaging.Sent.Where(m => m.To == "whatsapp:" + DemoTenant.LeadPhone).ElementAt(nth - 1).Body;
    }

    /// <summary>This run's callbacks: the lead's from WhatsApp due at the time asked for (earlier runs' stay in the data folder).</summary>
    private static async Task<List<JsonElement>> CallbacksAsync(HttpClient http, string adminKey, string at, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{DemoTenant.Id}/callbacks");
        request.Headers.Add("X-Api-Key", adminKey);
        var page = await (await http.SendAsync(request, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        return [.. page.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("source").GetString() == "whatsapp" && c.GetProperty("phone").GetString() == DemoTenant.LeadPhone
            && c.GetProperty("dueAt").GetDateTimeOffset() == DateTimeOffset.Parse(at, CultureInfo.InvariantCulture))];
    }
}
