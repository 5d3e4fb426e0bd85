using Microsoft.Extensions.Options;

namespace CallCenter.Core.Calls;

/// <summary>
/// <see cref="BridgeOptions"/>'s validation attributes, checked by generated code rather than by reflection, so that the
/// media bridge's Native AOT build validates them too.
/// </summary>
[OptionsValidator]
public sealed partial class BridgeOptionsValidator : IValidateOptions<BridgeOptions>;
