using System.Text.Json;
using System.Text.RegularExpressions;

namespace CallCenter.Infra.Tests;

/// <summary>What the bridge's replica exposes, and how long it is given to stop, as the compiled template says.</summary>
public sealed partial class MediaBridgePortsTests
{
    [Fact]
    public async Task Media_bridge_probes_and_metrics_are_on_an_internal_port_the_ingress_does_not_expose()
    {
        var bridge = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.App/containerApps").Single();
        var ingress = bridge.Properties.GetProperty("configuration").GetProperty("ingress");
        var target = bridge.Scope.Resolve(ingress.GetProperty("targetPort")).GetInt32();
        var container = bridge.Properties.GetProperty("template").GetProperty("containers").EnumerateArray().Single();
        var probePorts = container.GetProperty("probes").EnumerateArray()
            .Select(p => bridge.Scope.Resolve(p.GetProperty("httpGet").GetProperty("port")).GetInt32()).Distinct().ToList();
        var env = SecretsTests.BridgeEnvironment(bridge).ToDictionary(e => e.GetProperty("name").GetString()!);

        Assert.False(ingress.TryGetProperty("additionalPortMappings", out _), "the ingress exposes one port only");
        Assert.Equal(target, Number(bridge, env["MediaBridge__Port"]));
        var probePort = Assert.Single(probePorts);
        Assert.NotEqual(target, probePort);
        Assert.Equal(probePort, Number(bridge, env["MediaBridge__InternalPort"]));
    }

    [Fact]
    public async Task Media_bridge_is_told_the_grace_the_platform_gives_a_stopping_replica()
    {
        var bridge = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.App/containerApps").Single();
        var grace = bridge.Scope.Resolve(bridge.Properties.GetProperty("template").GetProperty("terminationGracePeriodSeconds")).GetInt32();
        var env = SecretsTests.BridgeEnvironment(bridge).ToDictionary(e => e.GetProperty("name").GetString()!);

        Assert.Equal(600, grace);
        Assert.Equal(grace, Number(bridge, env["MediaBridge__ShutdownGraceSeconds"]));
    }

    /// <summary>An environment value written as <c>string(variables('x'))</c>, resolved to its number.</summary>
    private static int Number(ArmResource bridge, JsonElement variable)
    {
        var text = variable.GetProperty("value").GetString() ?? "";
        var match = StringOfVariable().Match(text);
        Assert.True(match.Success, $"'{text}' is not string(variables('…'))");
        using var reference = JsonDocument.Parse(JsonSerializer.Serialize($"[variables('{match.Groups[1].Value}')]"));
        return bridge.Scope.Resolve(reference.RootElement.Clone()).GetInt32();
    }

    [GeneratedRegex(@"^\[string\(variables\('([^']+)'\)\)\]$")]
    private static partial Regex StringOfVariable();
}
