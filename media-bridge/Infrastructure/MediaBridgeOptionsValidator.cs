using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>
/// <see cref="MediaBridgeOptions"/>' validation attributes and its own <c>Validate</c>, checked by generated code
/// rather than by reflection, so that the Native AOT build validates them too.
/// </summary>
[OptionsValidator]
internal sealed partial class MediaBridgeOptionsValidator : IValidateOptions<MediaBridgeOptions>;
