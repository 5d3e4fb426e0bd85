using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.Options;
using OpenAI.Realtime;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>One OpenAI Realtime session of one call, as raw GA JSON events in and out.</summary>
public interface IRealtimeLink : IDisposable
{
    Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken ct);

    IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken ct);
}

public interface IRealtimeConnector
{
    Task<IRealtimeLink> ConnectAsync(CancellationToken ct);
}

/// <summary>
/// Opens sessions through the OpenAI SDK's Realtime client. Events go through the SDK's protocol-level
/// methods (raw JSON), because the bridge sends GA-shaped events verbatim and copies audio payloads without
/// decoding them; the typed model would decode and re-encode every frame.
/// </summary>
internal sealed class OpenAiRealtimeConnector(IOptions<MediaBridgeOptions> options) : IRealtimeConnector
{
    private readonly RealtimeClient _client = new(
        new ApiKeyCredential(options.Value.OpenAiApiKey),
        options.Value.OpenAiEndpoint is { } endpoint ? new RealtimeClientOptions { Endpoint = endpoint } : new RealtimeClientOptions());

    public async Task<IRealtimeLink> ConnectAsync(CancellationToken ct)
    {
        var session = await _client.StartConversationSessionAsync(options.Value.RealtimeModel, cancellationToken: ct).ConfigureAwait(false);
        return new SdkRealtimeLink(session);
    }

    private sealed class SdkRealtimeLink(RealtimeSessionClient session) : IRealtimeLink
    {
        // A call sends with one token for its whole life: reuse the options rather than allocate per frame.
        private RequestOptions _sendOptions = new();

        public Task SendAsync(ReadOnlyMemory<byte> json, CancellationToken ct)
        {
            if (_sendOptions.CancellationToken != ct)
            {
                _sendOptions = new RequestOptions { CancellationToken = ct };
            }

            return session.SendCommandAsync(BinaryData.FromBytes(json), _sendOptions);
        }

        public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReceiveAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var result in session.ReceiveUpdatesAsync(new RequestOptions { CancellationToken = ct }).ConfigureAwait(false))
            {
                yield return result.GetRawResponse().Content.ToMemory();
            }
        }

        public void Dispose() => session.Dispose();
    }
}
