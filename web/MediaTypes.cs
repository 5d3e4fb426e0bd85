using Microsoft.Net.Http.Headers;

namespace CallCenter.Web;

/// <summary>
/// What a request body says it is. Every body we read is UTF-8: a declared charset other than UTF-8 is refused
/// with 415 before any decoder is chosen from it (a form reader would throw on one it does not support).
/// </summary>
public static class MediaTypes
{
    /// <summary>The media type without parameters, or null when the header does not parse.</summary>
    public static string? MediaType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value : null;

    /// <summary>True when the header names no charset, or UTF-8.</summary>
    public static bool IsUtf8(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        var charset = HeaderUtilities.RemoveQuotes(parsed.Charset);
        return charset.Length == 0 || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    public static bool Is(string? contentType, string mediaType) =>
        string.Equals(MediaType(contentType), mediaType, StringComparison.OrdinalIgnoreCase);
}
