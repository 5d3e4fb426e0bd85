using System.Globalization;
using System.Text.Json;
using CallCenter.Core.Crm;

namespace CallCenter.Local.Host;

/// <summary>
/// <c>--scenario callback</c>: two callbacks scheduled through the API 10 s ahead, one to the demo lead (who
/// answers, and the agent speaks first) and one to a line the phone network reports busy; each is dialled by its
/// orchestration at its time, and the run prints how each ended.
/// </summary>
public static class CallbackScenario
{
    public const string BusyPhone = "+15555550199";

    /// <summary>
    /// A handler for the Twilio stand-in's dials that answers each through the phone network, and the result of the
    /// one it answers (the callback scenarios watch one dial end).
    /// </summary>
    internal static (TaskCompletionSource<SimulatedCallResult> Answered, Func<IReadOnlyDictionary<string, string>, Task> Answer) AnswerDials(
        PhoneNetwork network, Action<string> say, CancellationToken ct)
    {
        var answered = new TaskCompletionSource<SimulatedCallResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Answer(IReadOnlyDictionary<string, string> dialled)
        {
            try
            {
                say($"{DateTimeOffset.UtcNow:HH:mm:ss} the callback to {dialled["To"]} is dialled");
                answered.TrySetResult(await network.AnswerAsync(dialled, say, ct));
            }
            catch (Exception e)
            {
                answered.TrySetException(e);
            }
        }

        return (answered, Answer);
    }

    public static async Task<SimulatedCallResult> RunAsync(LocalStack stack, PhoneNetwork network, string adminKey, Action<string> say, CancellationToken ct)
    {
        var services = stack.Host.Services;
        var leads = services.GetRequiredService<LeadStore>();
        var dana = (await leads.GetOrCreateByPhoneAsync(DemoTenant.Id, DemoTenant.LeadPhone, LeadSources.Api, "Dana", ct)).Lead;
        var busy = (await leads.GetOrCreateByPhoneAsync(DemoTenant.Id, BusyPhone, LeadSources.Api, "Sam", ct)).Lead;
        stack.Twilio!.SetOutcome(BusyPhone, "busy");

        var (answered, answer) = AnswerDials(network, say, ct);

        stack.Twilio.CallCreated += answer;
        try
        {
            using var http = new HttpClient { BaseAddress = stack.Host.BaseUrl };
            var at = DateTimeOffset.UtcNow.AddSeconds(10);
            var ids = new List<string>();
            foreach (var (lead, reason) in new[] { (dana, "asked for a quote tomorrow"), (busy, "missed our call") })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{DemoTenant.Id}/callbacks")
                {
                    Content = JsonContent.Create(new { leadId = lead.Id, at = at.ToString("O", CultureInfo.InvariantCulture), reason }),
                };
                request.Headers.Add("X-Api-Key", adminKey);
                using var response = await http.SendAsync(request, ct);
                var callback = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                ids.Add(callback.GetProperty("id").GetString()!);
                say($"callback {ids[^1]} to {lead.Phone} ({(int)response.StatusCode}): {callback.GetProperty("status").GetString()}, scheduled for {callback.GetProperty("scheduledFor").GetDateTimeOffset():HH:mm:ss} UTC");
            }

            var result = await answered.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);
            foreach (var id in ids)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{DemoTenant.Id}/callbacks/{id}");
                request.Headers.Add("X-Api-Key", adminKey);
                var callback = await (await http.SendAsync(request, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
                var callId = callback.TryGetProperty("callId", out var c) ? c.GetString() : null;
                var call = callId is null ? default : await GetCallAsync(http, adminKey, callId, ct);
                say($"callback {id}: {callback.GetProperty("status").GetString()}, call {callId}: {(call.ValueKind == JsonValueKind.Object ? call.GetProperty("call").GetProperty("status").GetString() : "-")}");
            }

            return result;
        }
        finally
        {
            stack.Twilio.CallCreated -= answer;
        }
    }

    private static async Task<JsonElement> GetCallAsync(HttpClient http, string adminKey, string callId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{DemoTenant.Id}/calls/{callId}");
        request.Headers.Add("X-Api-Key", adminKey);
        using var response = await http.SendAsync(request, ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>(ct) : default;
    }
}
