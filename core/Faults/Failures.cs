using Azure;

namespace CallCenter.Core.Faults;

/// <summary>Which failures of a workflow step retrying cannot fix.</summary>
public static class Failures
{
    /// <summary>A <see cref="PermanentFailureException"/>, or a request Azure Storage refused as bad (<see cref="IsRefusedByStorage"/>).</summary>
    public static bool IsPermanent(Exception e) => e is PermanentFailureException || IsRefusedByStorage(e);

    /// <summary>
    /// Azure Storage answered 400: the request itself is wrong (a property over 64 KB, an entity over 1 MB, a key it
    /// does not take), so the same request is refused again. Throttling and outages are 429 and 5xx, conflicts 409 and
    /// 412; those stay transient.
    /// </summary>
    public static bool IsRefusedByStorage(Exception e) => e is RequestFailedException { Status: 400 };
}
