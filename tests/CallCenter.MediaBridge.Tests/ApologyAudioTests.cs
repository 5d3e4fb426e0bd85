using System.ComponentModel.DataAnnotations;
using CallCenter.MediaBridge.Infrastructure;
using CallCenter.MediaBridge.Sessions;
using Microsoft.Extensions.Options;

namespace CallCenter.MediaBridge.Tests;

/// <summary>The apology clip from configuration (Key Vault in Azure) as well as from a file.</summary>
public sealed class ApologyAudioTests
{
    [Fact]
    public void A_clip_given_as_base64_is_played_and_wins_over_the_file()
    {
        var clip = new byte[] { 0xFF, 0x7F, 0x00, 0x80 };
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, [1, 2, 3]);
            var audio = new ApologyAudio(Options.Create(new MediaBridgeOptions { ApologyAudio = Convert.ToBase64String(clip), ApologyAudioFile = file }));

            Assert.Equal(Convert.ToBase64String(clip), System.Text.Encoding.ASCII.GetString(audio.Base64.Span));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_clip_that_is_not_base64_fails_validation_at_start()
    {
        var options = new MediaBridgeOptions { ApologyAudio = "not base64!" };

        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(MediaBridgeOptions.ApologyAudio)));
    }
}
