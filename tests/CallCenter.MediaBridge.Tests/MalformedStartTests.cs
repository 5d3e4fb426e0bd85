using System.Net.WebSockets;
using System.Text;
using CallCenter.MediaBridge.Sessions;
using CallCenter.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CallCenter.MediaBridge.Tests;

/// <summary>Whatever arrives as the first message, a stream that is not a valid start is refused cleanly.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MalformedStartTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int SocketCases = 300;
    private const int ParserCases = 20_000;

    [Theory]
    [InlineData("""{"event":1}""")]
    [InlineData("[]")]
    [InlineData("""{"event":"start","start":{"streamSid":"MZ1","callSid":7,"customParameters":{"token":"a.b"}}}""")]
    [InlineData("""{"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","customParameters":{"token":42}}}""")]
    [InlineData("""{"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","customParameters":[]}}""")]
    [InlineData("""{"event":"start"}""")]
    public void The_parser_refuses_an_ill_typed_start_with_a_reason(string message)
    {
        var parsed = TwilioStart.Parse(Encoding.UTF8.GetBytes(message), out var start);

        Assert.Equal(StartParseKind.Refused, parsed.Kind);
        Assert.NotNull(parsed.Reason);
        Assert.Null(start);
    }

    [Fact]
    public void The_parser_never_throws_on_generated_starts_and_accepts_only_whole_ones()
    {
        var generator = new StartMessageGenerator(20261202, "CA" + new string('1', 32), "dmFsaWQ.dG9rZW4", "b3RoZXI.dG9rZW4");
        for (var i = 0; i < ParserCases; i++)
        {
            var message = generator.Next();
            var parsed = TwilioStart.Parse(Encoding.UTF8.GetBytes(message), out var start);

            // Every generated message has something broken that the parser sees, except a bad token's value,
            // which only the token check can judge.
            Assert.True(parsed.Kind == StartParseKind.Refused || start is { Token.Length: > 0 }, message);
        }
    }

    [Fact]
    public async Task Every_malformed_start_closes_the_socket_with_1008_and_one_warning_and_opens_nothing()
    {
        await using var h = await BridgeHarness.StartAsync(azurite, new Simulators.FakeRealtimeScript());
        var (callSid, _) = await h.SeedCallAsync();
        var (otherCall, _) = await h.SeedCallAsync();
        var generator = new StartMessageGenerator(20261202, callSid, h.Token(callSid), h.Token(otherCall));
        h.Logs.Clear();

        var statuses = new Dictionary<string, int>();
        for (var i = 0; i < SocketCases; i++)
        {
            await using var socket = await RawMediaSocket.StartAsync(h, generator.Next());
            var status = await socket.WaitForCloseAsync(TimeSpan.FromSeconds(30));
            statuses[status?.ToString() ?? "dropped"] = statuses.GetValueOrDefault(status?.ToString() ?? "dropped") + 1;
        }

        var metrics = await h.WaitUntilIdleAsync();
        var lines = h.Logs.Lines.ToArray();
        output.WriteLine($"closes: {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}; warnings {lines.Count(l => l.Level == LogLevel.Warning)}; errors {lines.Count(l => l.Level >= LogLevel.Error)}; OpenAI sessions {h.OpenAi.Connections}");
        foreach (var reason in lines.GroupBy(l => l.Message).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {reason.Count()} x {reason.Key}");
        }

        Assert.Equal(SocketCases, statuses.GetValueOrDefault(nameof(WebSocketCloseStatus.PolicyViolation)));
        Assert.Equal(SocketCases, lines.Count(l => l.Level == LogLevel.Warning));
        Assert.All(lines.Where(l => l.Level == LogLevel.Warning), l => Assert.StartsWith("Media stream rejected", l.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Level >= LogLevel.Error);
        Assert.Equal(SocketCases, metrics.RejectedStreams);
        Assert.Equal(0, h.OpenAi.Connections);
        Assert.Null(await h.Service<Infrastructure.StreamBindings>().BoundStreamAsync(callSid, default));
    }
}
