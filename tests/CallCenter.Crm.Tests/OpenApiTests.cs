using System.Text.Json;
using System.Text.Json.Nodes;
using CallCenter.Testing;
using CallCenter.Web;

namespace CallCenter.Crm.Tests;

/// <summary>The OpenAPI document is derived from the handlers' types: each CRM route's body and answers, with their schemas.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OpenApiTests(AzuriteFixture azurite, CrmHost host) : IClassFixture<CrmHost>
{
    // What each CRM route answers when it succeeds, and the body it reads: written out here, so a handler whose
    // type changes without the document following (or the other way round) fails.
    private static readonly Dictionary<string, (int Status, string? Schema, string? Body)> Success = new()
    {
        ["CreateTenant"] = (201, "TenantView", "TenantBody"),
        ["ListTenants"] = (200, "ItemListOfTenantView", null),
        ["GetTenant"] = (200, "TenantView", null),
        ["PutTenant"] = (200, "TenantView", "TenantBody"),
        ["CreateApiKey"] = (201, "IssuedKeyView", "KeyBody"),
        ["ListApiKeys"] = (200, "ItemListOfKeyView", null),
        ["RevokeApiKey"] = (204, null, null),
        ["CreateLead"] = (201, "LeadView", "LeadBody"),
        ["ListLeads"] = (200, "CrmPageOfLeadView", null),
        ["GetLead"] = (200, "LeadView", null),
        ["PatchLead"] = (200, "LeadView", "LeadPatch"),
        ["PlaceCall"] = (202, "PlacedCallView", "PlaceCallBody"),
        ["ListCalls"] = (200, "CrmPageOfCallSummaryView", null),
        ["GetCall"] = (200, "CallView", null),
        ["CallRecordingLink"] = (200, "RecordingLinkView", null),
        ["CallWorkflowStatus"] = (200, "WorkflowView", null),
        ["GetPrompt"] = (200, "PromptView", null),
        ["PutPrompt"] = (201, "PromptVersionView", "PromptBody"),
        ["GetPromptVersion"] = (200, "PromptVersionView", null),
        ["ActivatePromptVersion"] = (200, "ActivePromptView", null),
        ["PreviewPrompt"] = (200, "AgentInstructions", "PreviewBody"),
        ["NegotiateLiveEvents"] = (200, "LiveEventsUrlView", null),
        ["ListConversations"] = (200, "CrmPageOfConversationView", null),
        ["GetConversation"] = (200, "ConversationDetailView", null),
        ["CreateWebhook"] = (201, "WebhookCreatedView", "WebhookBody"),
        ["ListWebhooks"] = (200, "ItemListOfWebhookView", null),
        ["DeleteWebhook"] = (204, null, null),
        ["RotateWebhookSecret"] = (200, "WebhookSecretView", null),
        ["ListWebhookDeliveries"] = (200, "CrmPageOfWebhookDeliveryView", null),
        ["RedeliverWebhook"] = (202, "WebhookDeliveryView", null),
        ["GetAnalytics"] = (200, "AnalyticsView", null),
        ["CreateCallback"] = (201, "CallbackView", "CallbackBody"),
        ["ListCallbacks"] = (200, "CrmPageOfCallbackView", null),
        ["GetCallback"] = (200, "CallbackView", null),
        ["CancelCallback"] = (200, "CallbackView", null),
    };

    [Fact]
    public void Every_CRM_route_names_the_schema_of_its_typed_answer_and_of_the_body_it_reads()
    {
        var document = ApiRoutes.OpenApiDocument();
        var crm = ApiRoutes.All.Where(r => r.Auth is "admin" or "tenant").ToList();
        Assert.Equal(Success.Keys.Order(), crm.Select(r => r.Name).Order());

        foreach (var route in crm)
        {
            var operation = document["paths"]![route.Path]![route.Method.ToLowerInvariant()]!;
            var responses = operation["responses"]!.AsObject();
            var (status, schema, body) = Success[route.Name];
            var answer = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            Assert.True(answer is not null, $"{route.Name}: no {status} in {responses.ToJsonString()}");
            Assert.Equal(schema, SchemaOf(answer["content"]?["application/json"]));
            Assert.Equal(body, SchemaOf(operation["requestBody"]?["content"]?["application/json"]));

            // Every refusal is problem details: 401 for any key that is not valid, 404 for what the key may not see.
            foreach (var refusal in new[] { "401", "404" })
            {
                Assert.True(responses[refusal]?["content"]?["application/problem+json"] is { } problem && SchemaOf(problem) == "ProblemDetails", $"{route.Name}: {refusal}");
            }

            Assert.Equal(body is not null, responses["415"] is not null);
        }

        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var name in Success.Values.SelectMany(s => new[] { s.Schema, s.Body }).OfType<string>().Append("ProblemDetails"))
        {
            Assert.True(schemas[name]?["type"] is not null, name);
        }

        Assert.Contains(403, Statuses(document, "PUT", "/api/tenants/{tenantId}"));
        Assert.Contains(409, Statuses(document, "POST", "/api/tenants/{tenantId}/leads"));
        Assert.Contains(422, Statuses(document, "POST", "/api/tenants/{tenantId}/calls"));
        Assert.DoesNotContain(403, Statuses(document, "GET", "/api/tenants/{tenantId}/leads/{leadId}"));
        Assert.Contains(410, Statuses(document, "GET", "/api/tenants/{tenantId}/calls/{callId}/recording"));
    }

    [Fact]
    public async Task The_schemas_name_every_field_the_routes_really_answer_with_and_the_served_document_is_the_same()
    {
        await host.StartAsync(azurite);
        var tenant = "oa-" + Guid.NewGuid().ToString("N")[..8];
        var key = await host.CreateTenantAsync(tenant, new { whatsAppNumber = "+1555" + Random.Shared.Next(1_000_000, 9_999_999) });
        var (_, lead, leadRaw) = await host.SendAsync(HttpMethod.Post, $"/api/tenants/{tenant}/leads", key, new { phone = "+972501234567", name = "Dana", notes = "VIP" });
        var leadId = lead.GetProperty("id").GetString();
        await host.SendAsync(HttpMethod.Put, $"/api/tenants/{tenant}/prompts/whatsapp", key, new { instructions = "Be brief.", businessFacts = "Open 9-5." });

        var (_, served, _) = await host.SendAsync(HttpMethod.Get, "/api/openapi.json", null);
        var document = JsonNode.Parse(served.GetRawText())!;
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(ApiRoutes.OpenApiDocument(), document));
        var schemas = document["components"]!["schemas"]!;

        var answers = new (string Schema, string Path)[]
        {
            ("TenantView", $"/api/tenants/{tenant}"),
            ("ItemListOfKeyView", $"/api/tenants/{tenant}/keys"),
            ("LeadView", $"/api/tenants/{tenant}/leads/{leadId}"),
            ("CrmPageOfLeadView", $"/api/tenants/{tenant}/leads"),
            ("PromptView", $"/api/tenants/{tenant}/prompts/whatsapp"),
            ("PromptVersionView", $"/api/tenants/{tenant}/prompts/whatsapp/versions/1"),
        };
        foreach (var (schema, path) in answers)
        {
            var (status, body, raw) = await host.SendAsync(HttpMethod.Get, path, key);
            Assert.True(status == 200, $"{path}: {status} {raw}");
            AssertDescribes(schemas[schema]!, body, schema);
        }

        AssertDescribes(schemas["LeadView"]!, JsonDocument.Parse(leadRaw).RootElement, "LeadView");
        var (problemStatus, problem, _) = await host.SendAsync(HttpMethod.Get, $"/api/tenants/{tenant}/leads/nope1", key);
        Assert.Equal(404, problemStatus);
        AssertDescribes(schemas["ProblemDetails"]!, problem, "ProblemDetails");
    }

    /// <summary>Every property of <paramref name="value"/>, nested objects and arrays of objects too, is one the schema names.</summary>
    private static void AssertDescribes(JsonNode schema, JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                AssertDescribes(schema["items"]!, item, where + "[]");
            }

            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var properties = schema["properties"]?.AsObject();
        Assert.True(properties is not null, $"{where}: the schema names no properties");
        foreach (var property in value.EnumerateObject())
        {
            Assert.True(properties.ContainsKey(property.Name), $"{where}.{property.Name} is answered but not in the schema");
            AssertDescribes(properties[property.Name]!, property.Value, where + "." + property.Name);
        }
    }

    private static string? SchemaOf(JsonNode? content) =>
        content?["schema"]?["$ref"]?.GetValue<string>() is { } reference ? reference["#/components/schemas/".Length..] : null;

    private static IEnumerable<int> Statuses(JsonNode document, string method, string path) =>
        document["paths"]![path]![method.ToLowerInvariant()]!["responses"]!.AsObject().Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture));
}
