using CallCenter.Core.Storage;
using CallCenter.Core.WhatsApp;
using CallCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moq;

namespace CallCenter.Core.Tests;

/// <summary>A message that cannot be stored is dropped with one warning and starts nothing, so the provider is answered 200.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WhatsAppInboxTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ServiceProvider _services = null!;

    public async Task InitializeAsync() => _services = await azurite.CreateServicesAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Theory]
    [InlineData(40_000, 5)]
    [InlineData(5, 70_000)]
    public async Task An_unstorable_message_is_logged_once_stored_nowhere_and_starts_no_reply(int textLength, int nameLength)
    {
        var store = new WhatsAppStore(_services.GetRequiredService<CallCenterTables>());
        var log = new WarningLog();
        var inbox = new WhatsAppInbox(store, TimeProvider.System, log);
        var workflow = new Mock<IWhatsAppWorkflowSignals>();
        var message = new InboundWhatsApp("acme", WhatsAppProvider.Meta, "wamid.big", "+15551230000", new string('n', nameLength), new string('t', textLength), DateTimeOffset.UtcNow);

        await inbox.ReceiveAsync(message, workflow.Object);

        var warning = Assert.Single(log.Warnings);
        Assert.Contains("wamid.big", warning, StringComparison.Ordinal);
        workflow.Verify(w => w.EnsureStartedAsync(It.IsAny<WhatsAppMessageRef>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Null(await store.GetConversationAsync("acme", WhatsAppStore.ConversationId(message.From)));
    }

    private sealed class WarningLog : ILogger<WhatsAppInbox>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
