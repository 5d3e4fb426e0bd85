using System.ComponentModel.DataAnnotations;

namespace CallCenter.Core.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The operator's key; in Azure it comes from Key Vault. Long enough not to be guessed.</summary>
    [Required, MinLength(32)]
    public string AdminKey { get; set; } = "";
}
