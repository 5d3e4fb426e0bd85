using System.Text.Json.Nodes;

namespace CallCenter.Functions.Tests;

/// <summary>The runtime settings both hosts of the Functions app's code start with (their runtimeconfig.json).</summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("CallCenter.Functions")]
    [InlineData("CallCenter.Local")]
    public void The_host_tiers_up_hot_code_without_waiting_for_a_quiet_moment(string host)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, host + ".runtimeconfig.json")))!;

        // The runtime's default waits until no new method has been called for 100 ms (1 s on one vCPU); a busy host never is.
        Assert.Equal(0, config["runtimeOptions"]?["configProperties"]?["System.Runtime.TieredCompilation.CallCountingDelayMs"]?.GetValue<int>());
    }
}
