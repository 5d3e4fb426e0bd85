using Microsoft.Extensions.Options;

namespace CallCenter.Core.OpenAi;

/// <summary>
/// <see cref="OpenAiOptions"/>'s validation attributes, checked by generated code rather than by reflection, so that the
/// media bridge's Native AOT build validates them too.
/// </summary>
[OptionsValidator]
public sealed partial class OpenAiOptionsValidator : IValidateOptions<OpenAiOptions>;
