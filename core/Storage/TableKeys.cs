using System.Buffers;

namespace CallCenter.Core.Storage;

/// <summary>
/// The one rule for ids that reach storage as partition keys, row keys or blob path segments. Azure Tables
/// refuses '/', '\', '#', '?', control characters (U+0000-U+001F, U+007F-U+009F) and keys over 1 KiB, and
/// answers such a request with an error the caller cannot act on; every entry point checks ids here first.
/// </summary>
public static class TableKeys
{
    /// <summary>Our ids (lead, call, conversation, key, tenant, provider sids) are far shorter than Azure's 1 KiB.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Azure Tables' own limit: 1 KiB of UTF-16, so 512 characters.</summary>
    public const int MaxKeyChars = 512;

    private static readonly SearchValues<char> IdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>
    /// An id we issue or accept: 1-<see cref="MaxIdLength"/> ASCII letters, digits, '-' or '_'. Stricter than
    /// <see cref="IsStorable"/>, so an id that passes can be a key and a blob path segment as it is.
    /// </summary>
    public static bool IsId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && !id.AsSpan().ContainsAnyExcept(IdChars);

    /// <summary>Whether Azure Tables accepts the string as a partition or row key.</summary>
    public static bool IsStorable(string? key)
    {
        if (key is null || key.Length > MaxKeyChars)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The earliest date a table property holds; an earlier one, in a row or a filter, fails the request.</summary>
    public static readonly DateTimeOffset MinDate = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static bool IsStorableDate(DateTimeOffset at) => at >= MinDate;
}
