using System.Text.Json;

namespace CallCenter.Infra.Tests;

/// <summary>Transport security, the bridge's warm replica, the Flex Consumption app and the outputs azd uses.</summary>
public sealed class PlatformTests
{
    [Fact]
    public async Task Storage_refuses_shared_keys_public_blobs_and_old_tls()
    {
        var storage = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.Storage/storageAccounts").Single();
        var p = storage.Properties;

        Assert.False(p.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.Equal("TLS1_2", p.GetProperty("minimumTlsVersion").GetString());
        Assert.True(p.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.False(p.GetProperty("allowBlobPublicAccess").GetBoolean());
    }

    [Fact]
    public async Task Recordings_are_deleted_after_the_retention_period()
    {
        var main = (await InfraBuild.GetAsync()).Main;
        var policy = main.ResourcesOfType("Microsoft.Storage/storageAccounts/managementPolicies").Single();

        var rule = policy.Properties.GetProperty("policy").GetProperty("rules").EnumerateArray().Single();
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        var definition = rule.GetProperty("definition");

        var prefix = definition.GetProperty("filters").GetProperty("prefixMatch").EnumerateArray().Single().GetString() ?? "";
        Assert.Equal("[format('{0}/', parameters('recordingsContainerName'))]", prefix);
        Assert.Equal("recordings", policy.Scope.ResolveParameter("recordingsContainerName").GetString());

        var days = definition.GetProperty("actions").GetProperty("baseBlob").GetProperty("delete").GetProperty("daysAfterCreationGreaterThan");
        Assert.Equal(90, policy.Scope.Resolve(days).GetInt32());
    }

    [Fact]
    public async Task Function_app_is_https_only_with_tls_1_2_and_no_ftp()
    {
        var site = SecretsTests.FunctionApp((await InfraBuild.GetAsync()).Main);
        var p = site.Properties;

        Assert.True(p.GetProperty("httpsOnly").GetBoolean());
        var siteConfig = p.GetProperty("siteConfig");
        Assert.Equal("1.2", siteConfig.GetProperty("minTlsVersion").GetString());
        Assert.Equal("Disabled", siteConfig.GetProperty("ftpsState").GetString());
    }

    [Fact]
    public async Task Function_app_runs_dotnet_isolated_10_on_flex_consumption_deploying_with_its_identity()
    {
        var main = (await InfraBuild.GetAsync()).Main;
        var site = SecretsTests.FunctionApp(main);

        var plan = main.ResourcesOfType("Microsoft.Web/serverfarms").Single();
        Assert.Equal("FC1", plan.Element.GetProperty("sku").GetProperty("name").GetString());

        var config = site.Properties.GetProperty("functionAppConfig");
        var runtime = config.GetProperty("runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        Assert.Equal("UserAssignedIdentity", config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());

        Assert.Contains("'azd-service-name', 'functions'", site.Element.GetProperty("tags").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_app_gets_every_setting_the_app_reads()
    {
        var settings = SecretsTests.AppSettings((await InfraBuild.GetAsync()).Main);

        string[] expected =
        [
            "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
            "DurableTaskHubName", "Storage__BlobServiceUri", "Storage__TableServiceUri", "Storage__ManagedIdentityClientId",
            "Auth__AdminKey", "Twilio__AccountSid", "Twilio__AuthToken", "Twilio__PublicBaseUrl", "Bridge__StreamUrl",
            "Bridge__TokenSigningKey", "OpenAI__ApiKey", "WebPubSub__Endpoint", "WebPubSub__Hub",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        ];
        foreach (var name in expected)
        {
            Assert.True(settings.ContainsKey(name), $"missing app setting {name}");
        }

        Assert.StartsWith("[format('wss://{0}/media'", settings["Bridge__StreamUrl"], StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Media_bridge_keeps_a_warm_replica()
    {
        var bridge = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.App/containerApps").Single();
        var scale = bridge.Properties.GetProperty("template").GetProperty("scale");

        var minReplicas = bridge.Scope.Resolve(scale.GetProperty("minReplicas"));
        Assert.True(minReplicas.GetInt32() >= 1, $"minReplicas defaults to {minReplicas}");

        var rule = scale.GetProperty("rules").EnumerateArray().Single();
        Assert.True(rule.GetProperty("http").GetProperty("metadata").TryGetProperty("concurrentRequests", out _));
    }

    [Fact]
    public async Task Media_bridge_serves_websockets_over_https_on_8080_with_health_probes()
    {
        var bridge = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.App/containerApps").Single();
        var ingress = bridge.Properties.GetProperty("configuration").GetProperty("ingress");

        Assert.True(ingress.GetProperty("external").GetBoolean());
        Assert.False(ingress.GetProperty("allowInsecure").GetBoolean());
        Assert.Equal("auto", ingress.GetProperty("transport").GetString());
        Assert.Equal(8080, bridge.Scope.Resolve(ingress.GetProperty("targetPort")).GetInt32());

        var container = bridge.Properties.GetProperty("template").GetProperty("containers").EnumerateArray().Single();
        var probes = container.GetProperty("probes").EnumerateArray()
            .ToDictionary(p => p.GetProperty("type").GetString()!, p => p.GetProperty("httpGet").GetProperty("path").GetString());
        Assert.Equal("/healthz", probes["Liveness"]);
        Assert.Equal("/readyz", probes["Readiness"]);

        Assert.Contains("'azd-service-name', 'media-bridge'", bridge.Element.GetProperty("tags").GetString(), StringComparison.Ordinal);
        Assert.Contains("mcr.microsoft.com/azuredocs/containerapps-helloworld:latest", bridge.Scope.Expand(container.GetProperty("image").GetString()!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Media_bridge_gets_every_variable_it_reads()
    {
        var bridge = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.App/containerApps").Single();
        var env = SecretsTests.BridgeEnvironment(bridge).ToDictionary(e => e.GetProperty("name").GetString()!);

        string[] secretRefs = ["Bridge__TokenSigningKey", "OpenAI__ApiKey", "Twilio__AuthToken"];
        foreach (var name in secretRefs)
        {
            Assert.True(env[name].TryGetProperty("secretRef", out _), name);
        }

        string[] values =
        [
            "Twilio__AccountSid", "Storage__BlobServiceUri", "Storage__TableServiceUri", "Storage__ManagedIdentityClientId",
            "WebPubSub__Endpoint", "WebPubSub__Hub", "APPLICATIONINSIGHTS_CONNECTION_STRING",
        ];
        foreach (var name in values)
        {
            Assert.True(env.ContainsKey(name) && env[name].TryGetProperty("value", out _), $"missing {name}");
        }

        Assert.Equal("0", env["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"].GetProperty("value").GetString());
        Assert.Equal("1", env["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"].GetProperty("value").GetString());
        Assert.Equal("200000", env["DOTNET_GCgen0size"].GetProperty("value").GetString());

        // The bridge runs on the Native AOT runtime, whose reader of DOTNET_ numbers takes hex digits only: "0x…" is
        // refused there and the setting silently keeps its default.
        Assert.DoesNotContain(env, e => e.Key.StartsWith("DOTNET_", StringComparison.Ordinal)
            && e.Value.TryGetProperty("value", out var value) && value.GetString()!.StartsWith("0x", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Calls one core relays at p99 added latency under 2 ms (docs/benchmarks.md, "Where 2 ms holds").</summary>
    private const int CallsOneCoreCarries = 150;

    [Fact]
    public async Task Media_bridge_replica_is_one_vcpu_and_scales_out_before_it_holds_the_calls_one_core_carries()
    {
        var bridge = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.App/containerApps").Single();

        // The Consumption profile pairs 2 GiB with 1 vCPU; the bridge needs the core, not the memory (docs/ARCHITECTURE.md).
        Assert.Equal("1.0", bridge.Scope.ResolveParameter("cpu").GetString());
        Assert.Equal("2Gi", bridge.Scope.ResolveParameter("memory").GetString());

        // A new replica takes a while to start: the rule must fire while the busy ones still have headroom.
        var perReplica = bridge.Scope.ResolveParameter("concurrentCallsPerReplica").GetInt32();
        Assert.InRange(perReplica, CallsOneCoreCarries / 2, CallsOneCoreCarries - 25);
    }

    [Fact]
    public async Task Outputs_give_azd_and_the_operator_what_they_need()
    {
        var outputs = (await InfraBuild.GetAsync()).Main.Root.Outputs()
            .ToDictionary(o => o.Name, o => o.Value.GetProperty("value").GetString() ?? "");

        foreach (var name in new[] { "AZURE_LOCATION", "AZURE_RESOURCE_GROUP", "AZURE_CONTAINER_REGISTRY_ENDPOINT" })
        {
            Assert.True(outputs.ContainsKey(name), $"missing output {name}");
        }

        var routes = new Dictionary<string, string>
        {
            ["TWILIO_VOICE_WEBHOOK"] = "/twilio/voice",
            ["TWILIO_STATUS_CALLBACK"] = "/twilio/status",
            ["WHATSAPP_META_WEBHOOK"] = "/whatsapp/meta",
            ["WHATSAPP_TWILIO_WEBHOOK"] = "/whatsapp/twilio",
            ["DASHBOARD_URL"] = "/dashboard",
            ["MEDIA_BRIDGE_URL"] = "/media",
        };
        foreach (var (name, route) in routes)
        {
            Assert.True(outputs.TryGetValue(name, out var value), $"missing output {name}");
            Assert.Contains(route, value, StringComparison.Ordinal);
        }

        Assert.StartsWith("[format('wss://", outputs["MEDIA_BRIDGE_URL"], StringComparison.Ordinal);
        Assert.Contains("/api", outputs["WEBHOOK_BASE_URL"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_environment_gets_its_own_resource_group()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        Assert.Equal("https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", main.Root.Template.GetProperty("$schema").GetString());
        var group = main.ResourcesOfType("Microsoft.Resources/resourceGroups").Single();
        Assert.Equal("[format('rg-{0}', parameters('environmentName'))]", group.Name);
        Assert.Equal(JsonValueKind.String, group.Element.GetProperty("location").ValueKind);
    }
}
