using CallCenter.Core.Tenants;
using CallCenter.Fakes;
using CallCenter.Simulators;

namespace CallCenter.Local.Host;

/// <summary>
/// The run command's <c>--scenario</c> demonstrations. Call control: <c>voicemail</c> (an outbound call a machine
/// answers), <c>dtmf</c> (the caller presses keys), <c>silence</c> (the caller says nothing), played by the phone
/// network. Transfer to a human: the fake model asks for a transfer after the caller's first turn, the demo tenant
/// gets a transfer number, and the phone network's human answers (<c>transfer</c>) or lets it ring out
/// (<c>transfer-unanswered</c>). Callbacks: <c>callback</c> schedules two through the API, a few seconds ahead;
/// <c>whatsapp-callback</c> has the lead ask for one on WhatsApp.
/// </summary>
public static class LocalScenarios
{
    public const string Voicemail = "voicemail";
    public const string Dtmf = "dtmf";
    public const string Silence = "silence";
    public const string Transfer = "transfer";
    public const string TransferUnanswered = "transfer-unanswered";
    public const string Callback = "callback";
    public const string WhatsAppCallback = "whatsapp-callback";

    /// <summary>The person the demo tenant transfers to.</summary>
    public const string HumanNumber = "+15550002000";

    public static IReadOnlyList<string> Names { get; } = [Voicemail, Dtmf, Silence, Transfer, TransferUnanswered, Callback, WhatsAppCallback];

    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>How the fake model behaves in the scenario; null for the plain call.</summary>
    public static FakeRealtimeScript? Script(string? scenario) => scenario is Transfer or TransferUnanswered
        ? new FakeRealtimeScript
        {
            EndCallAfterCallerTurns = 2,
            PaceAudio = true,
            ToolAfterFirstTurn = ("transfer_to_human",
                """{"reason":"the caller asked for a person","summary":"Dana is calling about a leaking boiler and wants to book a visit this week."}"""),
        }
        : null;

    /// <summary>What the human does when the scenario's transfer rings.</summary>
    public static HumanLeg Human(string? scenario) => scenario == TransferUnanswered ? HumanLeg.NoAnswer : HumanLeg.Answers;

    /// <summary>Gives the demo tenant what the scenario needs: its transfer number (any time of day), or its voicemail message.</summary>
    public static async Task PrepareAsync(string? scenario, IServiceProvider services, CancellationToken ct)
    {
        if (scenario is not (Transfer or TransferUnanswered or Voicemail))
        {
            return;
        }

        var tenants = services.GetRequiredService<TenantStore>();
        var tenant = await tenants.GetAsync(DemoTenant.Id, ct) ?? throw new InvalidOperationException("the demo tenant is seeded first");
        if (scenario == Voicemail)
        {
            // A demo tenant from before voicemail messages existed gets the demo's message.
            if (tenant.VoicemailMessage is null)
            {
                await tenants.SaveAsync(tenant with { VoicemailMessage = DemoTenant.VoicemailMessage }, ct);
            }
        }
        else if (!tenant.TransferNumbers.Contains(HumanNumber))
        {
            await tenants.SaveAsync(tenant with { TransferNumbers = [HumanNumber], TransferHours = null }, ct);
        }
    }
}
