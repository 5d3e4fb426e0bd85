using System.Text.Json;
using System.Text.Json.Nodes;
using CallCenter.Testing;

namespace CallCenter.Functions.Tests;

/// <summary>
/// The access checks every CRM route starts with, through the Functions triggers and through the local host: a key
/// that is not valid, an unknown tenant, another tenant's, a malformed tenant id and an operator route get the
/// problem details they always got, word for word, and another tenant's looks exactly like an unknown one.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class TenantAccessTests(FunctionsFixture fixture)
{
    private const string Unauthorized =
        """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.2","title":"Unauthorized","status":401,"detail":"A valid API key is required (X-Api-Key or Authorization: Bearer)."}""";

    private const string NotFound = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not found","status":404}""";

    private const string BadTenantId =
        """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The request is not valid","status":400,"detail":"tenantId must be 3-40 characters of lowercase letters, digits and '-'","errors":["tenantId must be 3-40 characters of lowercase letters, digits and '-'"]}""";

    private const string OperatorOnly = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.4","title":"Only the operator changes tenants","status":403}""";

    [Theory]
    [InlineData("functions")]
    [InlineData("local")]
    public async Task A_bad_key_an_unknown_tenant_another_tenants_and_an_operator_route_get_the_same_problem_details_as_before(string host)
    {
        var url = fixture.Local.BaseUrl;
        Task<HttpAnswer> SendAsync(HttpMethod method, string path, string? key, object? body = null) => host == "functions"
            ? fixture.Http.SendAsync(Requests.Api(url, method, path, key, body))
            : LocalAsync(Requests.Api(url, method, path, key, body));

        var own = "o-" + FunctionsFixture.Unique();
        var other = "x-" + FunctionsFixture.Unique();
        var unknown = "u-" + FunctionsFixture.Unique();
        var key = await CreateTenantAsync(SendAsync, own);
        await CreateTenantAsync(SendAsync, other);

        var forged = $"cck.{own}.0123456789ab.forged";
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Get, "/api/tenants/{0}", null),
            (HttpMethod.Get, "/api/tenants/{0}/leads", null),
            (HttpMethod.Post, "/api/tenants/{0}/leads", new { phone = "+972501234567" }),
            (HttpMethod.Put, "/api/tenants/{0}/prompts/whatsapp", new { instructions = "Hijacked" }),
            (HttpMethod.Get, "/api/tenants/{0}/calls/CA1/workflow", null),
        })
        {
            string On(string tenant) => path.Replace("{0}", tenant, StringComparison.Ordinal);
            AssertProblem(Unauthorized, 401, await SendAsync(method, On(own), null, body), $"{method} {path} without a key");
            AssertProblem(Unauthorized, 401, await SendAsync(method, On(own), forged, body), $"{method} {path} with a forged key");
            AssertProblem(NotFound, 404, await SendAsync(method, On(other), key, body), $"{method} {path} on another tenant");
            AssertProblem(NotFound, 404, await SendAsync(method, On(unknown), key, body), $"{method} {path} on an unknown tenant");
            AssertProblem(NotFound, 404, await SendAsync(method, On(unknown), TestKeys.AdminKey, body), $"{method} {path} on an unknown tenant, as the operator");
            AssertProblem(BadTenantId, 400, await SendAsync(method, On("No_Such"), key, body), $"{method} {path} on a malformed tenant id");
        }

        AssertProblem(NotFound, 404, await SendAsync(HttpMethod.Get, "/api/tenants", key), "listing tenants with a tenant key");
        AssertProblem(NotFound, 404, await SendAsync(HttpMethod.Post, "/api/tenants", key, new { id = "sneaky-" + FunctionsFixture.Unique(), name = "x" }), "creating a tenant with a tenant key");
        AssertProblem(Unauthorized, 401, await SendAsync(HttpMethod.Get, "/api/tenants", forged), "listing tenants with a forged key");
        AssertProblem(OperatorOnly, 403, await SendAsync(HttpMethod.Put, $"/api/tenants/{own}", key, new { name = "renamed" }), "replacing its own tenant");
        AssertProblem(NotFound, 404, await SendAsync(HttpMethod.Put, $"/api/tenants/{other}", key, new { name = "renamed" }), "replacing another tenant");

        // Nothing the refused requests carried was written.
        var (_, leads) = await JsonAsync(SendAsync(HttpMethod.Get, $"/api/tenants/{other}/leads", TestKeys.AdminKey));
        Assert.Empty(leads.GetProperty("items").EnumerateArray());
        var (_, tenant) = await JsonAsync(SendAsync(HttpMethod.Get, $"/api/tenants/{own}", TestKeys.AdminKey));
        Assert.Equal("Tenant " + own, tenant.GetProperty("name").GetString());
    }

    private async Task<HttpAnswer> LocalAsync(HttpRequestMessage request)
    {
        using var response = await fixture.LocalHttp.SendAsync(request);
        return new HttpAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> CreateTenantAsync(Func<HttpMethod, string, string?, object?, Task<HttpAnswer>> send, string id)
    {
        var created = await send(HttpMethod.Post, "/api/tenants", TestKeys.AdminKey, new { id, name = "Tenant " + id });
        Assert.True(created.Status == 201, created.ToString());
        var (status, key) = await JsonAsync(send(HttpMethod.Post, $"/api/tenants/{id}/keys", TestKeys.AdminKey, new { name = "test" }));
        Assert.Equal(201, status);
        return key.GetProperty("key").GetString()!;
    }

    private static async Task<(int Status, JsonElement Body)> JsonAsync(Task<HttpAnswer> answer)
    {
        var a = await answer;
        return (a.Status, JsonDocument.Parse(a.Body).RootElement.Clone());
    }

    private static void AssertProblem(string expected, int status, HttpAnswer answer, string what)
    {
        Assert.True(answer.Status == status, $"{what}: {answer}");
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(answer.Body)), $"{what}:\nexpected {expected}\nanswered {answer.Body}");
    }
}
