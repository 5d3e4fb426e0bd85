using CallCenter.MediaBridge.Infrastructure;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Sessions;

/// <summary>The μ-law apology clip, read once at start-up, base64 as Twilio wants it.</summary>
internal sealed class ApologyAudio(IOptions<MediaBridgeOptions> options)
{
    private readonly Lazy<byte[]> _base64 = new(() =>
        options.Value.ApologyAudio is { Length: > 0 } clip
            ? System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(Convert.FromBase64String(clip)))
            : options.Value.ApologyAudioFile is { Length: > 0 } path && File.Exists(path)
                ? System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(File.ReadAllBytes(path)))
                : []);

    public ReadOnlyMemory<byte> Base64 => _base64.Value;
}
