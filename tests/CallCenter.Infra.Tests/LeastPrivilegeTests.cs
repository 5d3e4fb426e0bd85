using System.Text.RegularExpressions;

namespace CallCenter.Infra.Tests;

/// <summary>Identities get data-plane roles from a short allow-list, and nothing broader.</summary>
public sealed partial class LeastPrivilegeTests
{
    private static readonly Dictionary<string, string> AllowedRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = "Storage Blob Data Owner",
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["7f951dda-4ed3-4680-a7ca-43fe172d538d"] = "AcrPull",
        ["12cf5a90-567b-43ae-8102-96cf46c7d9b4"] = "Web PubSub Service Owner",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
    };

    [Fact]
    public async Task Every_role_assignment_is_on_the_allow_list()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        var assignments = main.ResourcesOfType("Microsoft.Authorization/roleAssignments").ToList();
        Assert.NotEmpty(assignments);

        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var assignment in assignments)
        {
            var roles = RolesOf(assignment);
            Assert.True(roles.Count > 0, $"{assignment}: cannot tell which role it grants");
            foreach (var role in roles)
            {
                Assert.True(AllowedRoles.ContainsKey(role), $"{assignment} grants role {role}, which is not on the allow-list");
                used.Add(role);
            }
        }

        // Each allowed role is there for a reason: a missing one means an identity lacks access it needs.
        Assert.Equal(AllowedRoles.Keys.Order(StringComparer.OrdinalIgnoreCase), used.Order(StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task No_custom_role_is_defined()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        Assert.Empty(main.ResourcesOfType("Microsoft.Authorization/roleDefinitions"));
    }

    [Fact]
    public async Task Identities_are_granted_on_resources_not_on_the_group_or_subscription()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        foreach (var assignment in main.ResourcesOfType("Microsoft.Authorization/roleAssignments"))
        {
            Assert.True(assignment.Element.TryGetProperty("scope", out var scope), $"{assignment} is scoped to its whole resource group");
            Assert.Contains("resourceId(", scope.GetString() ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Services_run_as_user_assigned_identities()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        var site = SecretsTests.FunctionApp(main);
        var bridge = main.ResourcesOfType("Microsoft.App/containerApps").Single();
        foreach (var service in new[] { site, bridge })
        {
            Assert.Equal("UserAssigned", service.Element.GetProperty("identity").GetProperty("type").GetString());
        }

        Assert.Equal(2, main.ResourcesOfType("Microsoft.ManagedIdentity/userAssignedIdentities").Count());
    }

    [Fact]
    public async Task Registry_web_pubsub_and_key_vault_accept_entra_id_only()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        var registry = main.ResourcesOfType("Microsoft.ContainerRegistry/registries").Single();
        Assert.False(registry.Properties.GetProperty("adminUserEnabled").GetBoolean());

        var webPubSub = main.ResourcesOfType("Microsoft.SignalRService/webPubSub").Single();
        Assert.True(webPubSub.Properties.GetProperty("disableLocalAuth").GetBoolean());
        Assert.Equal("calls", webPubSub.Scope.ResolveParameter("hubName").GetString());

        var vault = main.ResourcesOfType("Microsoft.KeyVault/vaults").Single();
        Assert.True(vault.Properties.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.Properties.GetProperty("enableSoftDelete").GetBoolean());
        Assert.False(vault.Properties.TryGetProperty("accessPolicies", out _));

        var insights = main.ResourcesOfType("Microsoft.Insights/components").Single();
        Assert.True(insights.Scope.Resolve(insights.Properties.GetProperty("DisableLocalAuth")).GetBoolean());
    }

    /// <summary>The role GUIDs a roleDefinitionId can evaluate to, following variables and parameters.</summary>
    private static HashSet<string> RolesOf(ArmResource assignment)
    {
        var expression = assignment.Properties.GetProperty("roleDefinitionId").GetString() ?? "";
        Assert.Contains("Microsoft.Authorization/roleDefinitions", expression, StringComparison.Ordinal);

        var expanded = assignment.Scope.Expand(expression);
        return Guid().Matches(expanded).Select(m => m.Value.ToLowerInvariant()).ToHashSet();
    }

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();
}
