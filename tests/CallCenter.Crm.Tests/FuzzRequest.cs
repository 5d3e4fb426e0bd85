using System.Text;

namespace CallCenter.Crm.Tests;

/// <summary>One generated request: the route it aims at (for counting), and exactly the bytes and headers to send.</summary>
public sealed record FuzzRequest(string Route, HttpMethod Method, string Path, string? ContentType, byte[]? Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            message.Content.Headers.Remove("Content-Type");
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    public override string ToString() =>
        $"{Method} {Path} [{ContentType}] {(Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 300)))}";
}
