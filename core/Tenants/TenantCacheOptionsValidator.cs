using Microsoft.Extensions.Options;

namespace CallCenter.Core.Tenants;

/// <summary>
/// <see cref="TenantCacheOptions"/>'s validation attributes, checked by generated code rather than by reflection, so that the
/// media bridge's Native AOT build validates them too.
/// </summary>
[OptionsValidator]
public sealed partial class TenantCacheOptionsValidator : IValidateOptions<TenantCacheOptions>;
