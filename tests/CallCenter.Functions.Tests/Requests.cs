using System.Globalization;
using System.Net.Http.Json;

namespace CallCenter.Functions.Tests;

/// <summary>Requests as API clients send them (Twilio's: <see cref="Testing.TwilioCall"/>; Meta's: <see cref="Testing.MetaWhatsApp"/>); each call builds a fresh message for one host.</summary>
public static class Requests
{
    public static string NewNumber() => "+1555" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);

    public static HttpRequestMessage Api(Uri baseUrl, HttpMethod method, string path, string? key, object? json = null)
    {
        var request = new HttpRequestMessage(method, new Uri(baseUrl, path));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }
}
