using System.Text.Json;
using System.Text.RegularExpressions;

namespace CallCenter.Infra.Tests;

/// <summary>No key or secret value travels through settings or outputs; secrets live in Key Vault only.</summary>
public sealed partial class SecretsTests
{
    // Settings whose name says they carry a credential; the App Insights connection string is an ingestion
    // address (it grants nothing under Entra-only ingestion) and is not matched.
    private static readonly Regex SecretName = SecretNamePattern();

    // Top-level outputs become azd environment values: a word like these in a name suggests a secret.
    private static readonly HashSet<string> SecretWords = ["KEY", "KEYS", "SECRET", "SECRETS", "PASSWORD", "PASSWORDS", "TOKEN", "TOKENS", "SAS", "CREDENTIAL", "CREDENTIALS", "CONNECTION"];

    // Outputs allowed a secret word because they name a resource or an address, never a value.
    private static readonly HashSet<string> OutputsNamingAResource = ["AZURE_KEY_VAULT_NAME"];

    [Fact]
    public async Task Compiled_template_reads_no_keys_and_builds_no_key_strings()
    {
        var text = (await InfraBuild.GetAsync()).Main.Text;

        Assert.DoesNotMatch(ListFunction(), text);
        Assert.DoesNotContain("AccountKey=", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SharedAccessSignature", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SharedAccessKey", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("primarySharedKey", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Outputs_carry_no_secure_value()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        foreach (var scope in main.Scopes())
        {
            var secure = scope.SecureParameters();
            foreach (var output in scope.Outputs())
            {
                var type = output.Value.GetProperty("type").GetString() ?? "";
                Assert.False(type.StartsWith("secure", StringComparison.OrdinalIgnoreCase), $"{scope.Name} output {output.Name} is {type}");

                var value = output.Value.TryGetProperty("value", out var v) ? scope.Expand(v.GetRawText()) : "";
                foreach (var parameter in secure)
                {
                    Assert.DoesNotContain($"parameters('{parameter}')", value, StringComparison.Ordinal);
                }

                Assert.DoesNotMatch(ListFunction(), value);
            }
        }
    }

    [Fact]
    public async Task Output_names_say_nothing_secret_except_addresses()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        var names = main.Root.Outputs().Select(o => o.Name).ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            if (name.EndsWith("_URL", StringComparison.Ordinal) || OutputsNamingAResource.Contains(name))
            {
                continue;
            }

            var words = name.ToUpperInvariant().Split('_');
            Assert.False(words.Any(SecretWords.Contains), $"output {name} is named like a secret");
        }
    }

    [Fact]
    public async Task Function_app_settings_hold_key_vault_references_not_secrets()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        var settings = AppSettings(main);
        var secretSettings = settings.Where(s => SecretName.IsMatch(s.Key)).ToList();
        Assert.Equal(
            new[] { "Auth__AdminKey", "Bridge__TokenSigningKey", "OpenAI__ApiKey", "Twilio__AuthToken", "WhatsApp__MetaAccessToken", "WhatsApp__MetaAppSecret" },
            secretSettings.Select(s => s.Key).Order(StringComparer.Ordinal));

        foreach (var (name, value) in secretSettings)
        {
            Assert.Matches(@"^\[format\('@Microsoft\.KeyVault\(VaultName=\{0\};SecretName=\{1\}\)'", value);
        }

        var siteScope = main.ResourcesOfType("Microsoft.Web/sites/config").Single().Scope;
        foreach (var (name, value) in settings)
        {
            var expanded = siteScope.Expand(value);
            Assert.False(siteScope.SecureParameters().Any(p => expanded.Contains($"parameters('{p}')", StringComparison.Ordinal)), $"{name} takes a secure parameter");
            Assert.False(main.Root.SecureParameters().Any(p => expanded.Contains($"parameters('{p}')", StringComparison.Ordinal)), $"{name} takes a secure parameter of main");
        }

        // Host storage through the identity: no AzureWebJobsStorage connection string.
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
    }

    [Fact]
    public async Task Function_app_resolves_key_vault_references_with_its_own_identity()
    {
        var site = FunctionApp((await InfraBuild.GetAsync()).Main);

        var identity = site.Properties.GetProperty("keyVaultReferenceIdentity").GetString() ?? "";
        Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities", identity, StringComparison.Ordinal);
        var assigned = site.Element.GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Single().Name;
        Assert.Contains(identity.Trim('[', ']'), assigned, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_app_secrets_are_key_vault_references_read_with_its_identity()
    {
        var bridge = (await InfraBuild.GetAsync()).Main.ResourcesOfType("Microsoft.App/containerApps").Single();

        var secrets = bridge.Properties.GetProperty("configuration").GetProperty("secrets").EnumerateArray().ToList();
        Assert.NotEmpty(secrets);
        foreach (var secret in secrets)
        {
            Assert.False(secret.TryGetProperty("value", out _), $"secret {secret.GetProperty("name")} carries a value");
            Assert.Contains("secretUri", bridge.Scope.Expand(secret.GetProperty("keyVaultUrl").GetString() ?? ""), StringComparison.Ordinal);
            Assert.Contains("userAssignedIdentities", secret.GetProperty("identity").GetString() ?? "", StringComparison.Ordinal);
        }

        var env = BridgeEnvironment(bridge);
        foreach (var variable in env.Where(e => SecretName.IsMatch(e.GetProperty("name").GetString() ?? "")))
        {
            Assert.True(variable.TryGetProperty("secretRef", out _), $"{variable.GetProperty("name")} is set in clear");
            Assert.False(variable.TryGetProperty("value", out _));
        }
    }

    [Fact]
    public async Task Key_vault_secrets_come_only_from_secure_parameters()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        var secrets = main.ResourcesOfType("Microsoft.KeyVault/vaults/secrets").ToList();
        Assert.Equal(7, secrets.Count);
        foreach (var secret in secrets)
        {
            var value = secret.Properties.GetProperty("value").GetString() ?? "";
            var parameter = Regex.Match(value, @"^\[parameters\('([^']+)'\)\]$");
            Assert.True(parameter.Success, $"{secret} value is '{value}', not a parameter");
            Assert.True(secret.Scope.IsSecureParameter(parameter.Groups[1].Value), $"{secret} comes from a plain parameter");

            // ...and main hands the module a secure parameter of its own, or for an optional one left empty a
            // public stand-in (a variable of main: the apology clip's one sample of silence).
            var passed = secret.Scope.ParameterValues[parameter.Groups[1].Value].GetString() ?? "";
            var outer = Regex.Match(passed, @"^\[parameters\('([^']+)'\)\]$");
            var orStandIn = Regex.Match(passed, @"^\[if\(empty\(parameters\('([^']+)'\)\), createObject\('value', variables\('([^']+)'\)\), createObject\('value', parameters\('\1'\)\)\)\]$");
            if (orStandIn.Success)
            {
                var standIn = secret.Scope.Parent!.Template.GetProperty("variables").GetProperty(orStandIn.Groups[2].Value);
                Assert.True(standIn.ValueKind == JsonValueKind.String && !(standIn.GetString() ?? "").StartsWith('['), $"{secret}: the stand-in is not a literal");
            }

            var source = outer.Success ? outer : orStandIn;
            Assert.True(source.Success && secret.Scope.Parent!.IsSecureParameter(source.Groups[1].Value), $"{secret} is fed '{passed}'");
        }
    }

    [Fact]
    public async Task Secure_parameters_have_no_literal_default()
    {
        var main = (await InfraBuild.GetAsync()).Main;

        foreach (var scope in main.Scopes())
        {
            foreach (var name in scope.SecureParameters())
            {
                var declaration = scope.Parameters().Single(p => p.Name == name).Value;
                // Empty (an optional secret left out) reveals nothing.
                if (declaration.TryGetProperty("defaultValue", out var fallback) && fallback.GetString() is not "")
                {
                    // Only generated values: newGuid() calls, possibly joined by format('{0}{1}', ...).
                    var text = fallback.GetString() ?? "";
                    Assert.Contains("newGuid()", text, StringComparison.Ordinal);
                    Assert.Equal("", GeneratedValueSyntax().Replace(text, ""));
                }
            }
        }
    }

    internal static ArmResource FunctionApp(ArmTemplate main) =>
        main.ResourcesOfType("Microsoft.Web/sites").Single(s => s.Element.GetProperty("kind").GetString()!.Contains("functionapp", StringComparison.Ordinal));

    /// <summary>The Function App's settings, name to value as compiled (an expression or a literal).</summary>
    internal static Dictionary<string, string> AppSettings(ArmTemplate main)
    {
        var config = main.ResourcesOfType("Microsoft.Web/sites/config")
            .Where(c => c.Name.Contains("appsettings", StringComparison.Ordinal))
            .ToList();
        Assert.Single(config);

        var settings = config[0].Properties.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal);

        // Settings written inline on the site would bypass the checks above: there must be none.
        Assert.False(FunctionApp(main).Properties.GetProperty("siteConfig").TryGetProperty("appSettings", out _));
        return settings;
    }

    internal static List<JsonElement> BridgeEnvironment(ArmResource bridge) =>
        bridge.Properties.GetProperty("template").GetProperty("containers").EnumerateArray().Single()
            .GetProperty("env").EnumerateArray().ToList();

    [GeneratedRegex(@"(Key|Token|Secret|Password)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex(@"newGuid\(\)|format\('(\{\d+\})+'|[\[\](), ]")]
    private static partial Regex GeneratedValueSyntax();

    // listKeys(, listSecrets(, listCredentials(, listConnectionStrings(... and the Bicep .list*() forms.
    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();
}
