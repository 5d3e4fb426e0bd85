namespace CallCenter.Infra.Tests;

/// <summary>A wrong delete can be undone: blob and container soft delete, and a container for the table exports.</summary>
public sealed class DataProtectionTests
{
    private const int MinimumRetentionDays = 14;

    [Theory]
    [InlineData("deleteRetentionPolicy")]
    [InlineData("containerDeleteRetentionPolicy")]
    public async Task Deleted_blobs_and_containers_are_kept_at_least_two_weeks(string policyName)
    {
        var blobService = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices").Single();

        var policy = blobService.Properties.GetProperty(policyName);
        Assert.True(policy.GetProperty("enabled").GetBoolean(), $"{policyName} is off");
        var days = blobService.Scope.Resolve(policy.GetProperty("days")).GetInt32();
        Assert.True(days >= MinimumRetentionDays, $"{policyName} keeps {days} days");
    }

    [Fact]
    public async Task The_retention_parameter_cannot_be_set_below_two_weeks()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        foreach (var scope in main.Scopes())
        {
            var declaration = scope.Parameters().SingleOrDefault(p => p.Name == "deletedDataRetentionDays").Value;
            if (declaration.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                Assert.True(declaration.GetProperty("minValue").GetInt32() >= MinimumRetentionDays, $"{scope.Name} allows less than {MinimumRetentionDays} days");
            }
        }
    }

    [Fact]
    public async Task The_function_app_exports_to_the_container_infra_creates()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        var config = main.ResourcesOfType("Microsoft.Web/sites/config").Single(c => c.Name.Contains("appsettings", StringComparison.Ordinal));
        var exportsTo = config.Scope.Resolve(config.Properties.GetProperty("Backup__Container")).GetString();

        var created = main.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Where(c => c.Name.Contains("parameters('backupContainerName')", StringComparison.Ordinal))
            .Select(c => c.Scope.ResolveParameter("backupContainerName").GetString())
            .ToList();
        Assert.Equal(["backups"], created);
        Assert.Equal("backups", exportsTo);
    }
}
