using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace CallCenter.Calls.Tests;

/// <summary>The Twilio stand-in's Calls list, read through the Twilio SDK and on the wire, as Twilio serves it.</summary>
[Collection(CallCenterCollection.Name)]
public sealed class FakeTwilioCallsListTests(CallCenterFixture fixture)
{
    private readonly CallCenterHost _host = fixture.Host;

    [Fact]
    public async Task The_sdk_reads_calls_filtered_by_to_from_and_start_date_newest_first_across_pages()
    {
        var twilio = _host.Get<ITwilioRestClient>();
        var (lead, other, ours) = ("+1888" + Random.Shared.Next(1_000_000, 9_999_999), "+1889" + Random.Shared.Next(1_000_000, 9_999_999), "+15550009999");
        var placed = new List<string>();
        foreach (var to in new[] { lead, other, lead, lead, other, lead, lead })
        {
            var call = await CallResource.CreateAsync(to: new PhoneNumber(to), from: new PhoneNumber(ours), url: new Uri("https://example.test/voice"), client: twilio);
            if (to == lead)
            {
                placed.Add(call.Sid);
            }
        }

        var today = DateTime.UtcNow.Date;
        var read = await CallResource.ReadAsync(new ReadCallOptions { To = new PhoneNumber(lead), From = new PhoneNumber(ours), StartTimeAfter = today, PageSize = 2 }, twilio);
        var tomorrow = await CallResource.ReadAsync(new ReadCallOptions { To = new PhoneNumber(lead), StartTimeAfter = today.AddDays(1) }, twilio);

        var listed = read.ToList();
        Assert.Equal(placed.AsEnumerable().Reverse(), listed.Select(c => c.Sid)); // 5 calls over 3 pages of 2
        Assert.All(listed, c => Assert.Equal((lead, ours, "outbound-api"), (c.To, c.From, c.Direction)));
        Assert.All(listed, c => Assert.Equal(today, c.DateCreated?.Date));
        Assert.Empty(tomorrow);
    }

    [Fact]
    public async Task The_wire_answer_carries_twilios_paging_fields_and_refuses_a_bad_page_size_or_no_credentials()
    {
        var lead = "+1887" + Random.Shared.Next(1_000_000, 9_999_999);
        await CallResource.CreateAsync(to: new PhoneNumber(lead), from: new PhoneNumber("+15550009999"), url: new Uri("https://example.test/voice"), client: _host.Get<ITwilioRestClient>());
        using var http = new HttpClient { BaseAddress = _host.Twilio.Root };
        var path = $"/2010-04-01/Accounts/{CallCenterHost.AccountSid}/Calls.json?To={Uri.EscapeDataString(lead)}&PageSize=1";
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{CallCenterHost.AccountSid}:{CallCenterHost.AuthToken}")));

        var page = await http.GetFromJsonAsync<JsonElement>(path);
        var tooLarge = await http.GetAsync(path.Replace("PageSize=1", "PageSize=1001", StringComparison.Ordinal));
        http.DefaultRequestHeaders.Authorization = null;
        var anonymous = await http.GetAsync(path);

        Assert.Equal(
            ["calls", "end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "start", "uri"],
            page.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal((1, 0, 0, 0), (page.GetProperty("page_size").GetInt32(), page.GetProperty("page").GetInt32(), page.GetProperty("start").GetInt32(), page.GetProperty("end").GetInt32()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_page_uri").ValueKind);
        var call = Assert.Single(page.GetProperty("calls").EnumerateArray());
        Assert.Equal(lead, call.GetProperty("to").GetString());
        Assert.EndsWith("+0000", call.GetProperty("date_created").GetString(), StringComparison.Ordinal);
        Assert.Equal((400, 401), ((int)tooLarge.StatusCode, (int)anonymous.StatusCode));
    }
}
