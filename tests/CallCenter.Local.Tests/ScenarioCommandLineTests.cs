using CallCenter.Local.Host;

namespace CallCenter.Local.Tests;

/// <summary>The run command's <c>--scenario</c>: a known name is taken, anything else is an error with the names.</summary>
public sealed class ScenarioCommandLineTests
{
    [Theory]
    [InlineData("voicemail")]
    [InlineData("dtmf")]
    [InlineData("silence")]
    [InlineData("whatsapp-callback")]
    public void A_known_scenario_is_taken(string name)
    {
        var (line, error) = LocalCommandLine.Parse(["--scenario", name]);

        Assert.Null(error);
        Assert.Equal(name, line!.Scenario);
        Assert.Equal(name, LocalCommandLine.Parse([$"--scenario={name}"]).Line!.Scenario);
    }

    [Fact]
    public void An_unknown_or_missing_scenario_is_an_error_naming_the_scenarios()
    {
        var (line, error) = LocalCommandLine.Parse(["--scenario", "voicemale"]);
        Assert.Null(line);
        Assert.Contains("voicemail", error, StringComparison.Ordinal);

        Assert.Equal("--scenario needs a value", LocalCommandLine.Parse(["--scenario"]).Error);
        Assert.Null(LocalCommandLine.Parse([]).Line!.Scenario);
    }
}
