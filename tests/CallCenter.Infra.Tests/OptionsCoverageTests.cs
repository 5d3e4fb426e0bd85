using System.Reflection;
using System.Text.RegularExpressions;
using CallCenter.Core.Backup;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.Infra.Tests;

/// <summary>
/// Every option the two apps bind with no default of its own is set by infra, so a fresh `azd up` starts both
/// apps; the options are found by running the apps' own registrations and reflecting over the options classes.
/// </summary>
public sealed partial class OptionsCoverageTests
{
    private const string Functions = "functions";
    private const string Bridge = "media-bridge";

    // Options bound without a default that Azure leaves unset on purpose ("*" for both apps), and why.
    private static readonly Dictionary<string, string> LeftUnset = new(StringComparer.OrdinalIgnoreCase)
    {
        ["*|Storage:ConnectionString"] = "Azure reaches storage through the service URIs with the app's identity; shared keys are off",
        ["*|WebPubSub:AccessKey"] = "local auth is off; the app's identity signs Web PubSub requests",
        ["*|OpenAI:Endpoint"] = "unset is OpenAI itself",
        [$"{Bridge}|MediaBridge:OpenAiEndpoint"] = "unset is OpenAI's Realtime endpoint itself",
        [$"{Bridge}|MediaBridge:ApologyAudioFile"] = "the container has no file of ours: the clip comes from Key Vault as MediaBridge:ApologyAudio",
        [$"{Bridge}|Twilio:PublicBaseUrl"] = "the bridge answers no Twilio webhook and places no call; it checks signatures over Bridge:StreamUrl",
    };

    // What the Functions app registers with its configuration (functions/FunctionsApp.cs).
    private static readonly Dictionary<string, Action<IServiceCollection, IConfiguration>> FunctionsRegistrations = new(StringComparer.Ordinal)
    {
        ["AddCallCenter"] = (s, c) => s.AddCallCenter(c),
        ["AddCallCenterBackup"] = (s, c) => s.AddCallCenterBackup(c),
    };

    // What the bridge registers with its configuration (MediaBridgeHosting.AddMediaBridgeHost, which Program.cs runs).
    private static readonly Dictionary<string, Action<IServiceCollection, IConfiguration>> BridgeRegistrations = new(StringComparer.Ordinal)
    {
        ["AddMediaBridge"] = (s, c) => s.AddMediaBridge(c),
    };

    public static TheoryData<string> Apps() => new(Functions, Bridge);

    [Theory]
    [MemberData(nameof(Apps))]
    public async Task Every_option_the_app_binds_without_a_default_is_set_by_infra(string app)
    {
        var settings = await SettingsAsync(app);
        var required = RequiredOptions(app);
        Assert.Contains(required, r => r.Key.Equals("Twilio:AuthToken", StringComparison.OrdinalIgnoreCase));

        var missing = required.Keys
            .Where(key => !settings.ContainsKey(key) && !IsLeftUnset(app, key))
            .ToList();
        Assert.True(missing.Count == 0, $"{app}: infra sets none of {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public async Task Secrets_the_app_reads_reach_it_as_key_vault_references(string app)
    {
        var settings = await SettingsAsync(app);
        var secrets = RequiredOptions(app).Keys.Where(k => SecretOption().IsMatch(k) && settings.ContainsKey(k)).ToList();

        Assert.Contains(app == Functions ? "WhatsApp:MetaAppSecret" : "MediaBridge:ApologyAudio", secrets, StringComparer.OrdinalIgnoreCase);
        foreach (var key in secrets)
        {
            Assert.True(settings[key].IsKeyVaultReference, $"{app}: {key} is set as '{settings[key].Value}', not a Key Vault reference");
        }
    }

    [Fact]
    public void Options_left_unset_are_ones_an_app_binds_without_a_default()
    {
        foreach (var entry in LeftUnset.Keys)
        {
            var (app, key) = (entry.Split('|')[0], entry.Split('|')[1]);
            var apps = app == "*" ? new[] { Functions, Bridge } : [app];
            Assert.True(apps.Any(a => RequiredOptions(a).ContainsKey(key)), $"{entry} is listed as left unset but no app binds it without a default");
        }
    }

    [Theory]
    [InlineData(Functions, "functions")]
    [InlineData(Bridge, "media-bridge/Infrastructure/MediaBridgeHosting.cs")]
    public void The_test_runs_every_registration_the_app_makes_with_its_configuration(string app, string source)
    {
        var path = Repository.PathOf(source.Split('/'));
        var files = File.Exists(path)
            ? [path]
            : Directory.EnumerateFiles(path, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var called = files.SelectMany(f => RegistrationCall().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(called);
        var known = Registrations(app).Keys;
        Assert.True(called.IsSubsetOf(known), $"{app} calls {string.Join(", ", called.Except(known))}, which this test does not run");
    }

    private static bool IsLeftUnset(string app, string key) =>
        LeftUnset.ContainsKey($"*|{key}") || LeftUnset.ContainsKey($"{app}|{key}");

    private static Dictionary<string, Action<IServiceCollection, IConfiguration>> Registrations(string app) =>
        app == Functions ? FunctionsRegistrations : BridgeRegistrations;

    /// <summary>"Section:Property" of every option the app binds that has no default, to the options type.</summary>
    private static Dictionary<string, Type> RequiredOptions(string app)
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection();
        foreach (var register in Registrations(app).Values)
        {
            register(services, configuration);
        }

        // Options bound to configuration, by reflection or by the binding source generator (core and the bridge use
        // it): either way the binding registers a configuration change-token source for the options type.
        var bound = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>)
                && d.ImplementationInstance?.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ConfigurationChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()
            .ToList();
        Assert.NotEmpty(bound);

        var required = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in bound)
        {
            var section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
            Assert.True(section is { Length: > 0 }, $"{type.Name} has no Section constant naming its configuration section");
            var fresh = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
            {
                // An empty string is a default only where empty is allowed (a table prefix of none).
                var value = property.GetValue(fresh);
                if (value is null || (value is "" && property.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute))))
                {
                    required[$"{section}:{property.Name}"] = type;
                }
            }
        }

        return required;
    }

    /// <summary>What infra sets on the app, keyed "Section:Property" as configuration reads it.</summary>
    private static async Task<Dictionary<string, Setting>> SettingsAsync(string app)
    {
        var main = (await InfraBuild.GetAsync()).Main;
        if (app == Functions)
        {
            return SecretsTests.AppSettings(main).ToDictionary(
                s => ConfigurationKey(s.Key),
                s => new Setting(s.Value, s.Value.StartsWith("[format('@Microsoft.KeyVault(", StringComparison.Ordinal)),
                StringComparer.OrdinalIgnoreCase);
        }

        var bridge = main.ResourcesOfType("Microsoft.App/containerApps").Single();
        return SecretsTests.BridgeEnvironment(bridge).ToDictionary(
            e => ConfigurationKey(e.GetProperty("name").GetString() ?? ""),
            e => e.TryGetProperty("secretRef", out var secretRef)
                ? new Setting(secretRef.GetString() ?? "", true)
                : new Setting(e.GetProperty("value").ToString(), false),
            StringComparer.OrdinalIgnoreCase);
    }

    private static string ConfigurationKey(string settingName) => settingName.Replace("__", ":", StringComparison.Ordinal);

    private sealed record Setting(string Value, bool IsKeyVaultReference);

    [GeneratedRegex(@"\.(Add\w+)\(\s*(?:\w+\.)?[Cc]onfiguration\s*\)")]
    private static partial Regex RegistrationCall();

    [GeneratedRegex(@"(Key|Token|Secret|Audio)$")]
    private static partial Regex SecretOption();
}
