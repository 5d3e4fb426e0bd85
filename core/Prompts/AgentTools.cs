namespace CallCenter.Core.Prompts;

/// <summary>
/// The tools every voice agent has, and the WhatsApp agent's. The prompt builder lists them to the model; the media
/// bridge executes the voice tools and the WhatsApp reply workflow its own, so their names are the contract between them.
/// </summary>
public static class AgentTools
{
    public const string EndCall = "end_call";
    public const string LookupLead = "lookup_lead";
    public const string UpdateLead = "update_lead";
    public const string ScheduleCallback = "schedule_callback";
    public const string TransferToHuman = "transfer_to_human";

    public static AgentTool EndCallTool { get; } = new(
        EndCall,
        "End the phone call. Say a short goodbye first; the line is closed once the goodbye has been heard.",
        """{"type":"object","properties":{"reason":{"type":"string","description":"Why the call ends, for the call log."}},"additionalProperties":false}""");

    public static AgentTool LookupLeadTool { get; } = new(
        LookupLead,
        "Read what the CRM knows about the person on the call: name, status and notes.",
        """{"type":"object","properties":{},"additionalProperties":false}""");

    public static AgentTool UpdateLeadTool { get; } = new(
        UpdateLead,
        "Record what you learnt about the caller in the CRM: their name, a status, or a note to add.",
        """{"type":"object","properties":{"name":{"type":"string"},"status":{"type":"string","enum":["new","contacted","qualified","customer","lost"]},"note":{"type":"string"}},"additionalProperties":false}""");

    public static AgentTool ScheduleCallbackTool { get; } = new(
        ScheduleCallback,
        "Schedule a call back to the caller at the time they asked for (ISO 8601 with offset), with a reason.",
        """{"type":"object","properties":{"at":{"type":"string","description":"ISO 8601 date and time with offset"},"reason":{"type":"string"}},"required":["at"],"additionalProperties":false}""");

    public static AgentTool TransferToHumanTool { get; } = new(
        TransferToHuman,
        "Transfer the call to a person at the business when the caller asks for one or you cannot help. Give the reason and a one-paragraph summary of the call for the person who answers; the caller never hears the summary. The answer says whether a transfer is possible now; if it is, say one short sentence that you are connecting them, and nothing else.",
        """{"type":"object","properties":{"reason":{"type":"string","description":"Why the caller needs a person, for the call log."},"summary":{"type":"string","description":"One paragraph for the person taking the call: who is calling, what they want, what was said."}},"required":["reason","summary"],"additionalProperties":false}""");

    /// <summary>The built-in voice tools, in the order the model sees them.</summary>
    public static IReadOnlyList<AgentTool> Voice { get; } = [EndCallTool, LookupLeadTool, UpdateLeadTool, ScheduleCallbackTool, TransferToHumanTool];

    /// <summary>
    /// The WhatsApp agent's tools, run by the reply workflow (<c>RunWhatsAppTool</c>): only what needs no live call.
    /// <see cref="ScheduleCallback"/> has the voice tool's name and schema, so one contract serves both channels.
    /// </summary>
    public static IReadOnlyList<AgentTool> WhatsApp { get; } = [ScheduleCallbackTool];

    public static IReadOnlyList<AgentTool> For(PromptChannel channel) => channel == PromptChannel.WhatsApp ? WhatsApp : Voice;

    public static bool IsBuiltIn(string name) => name is EndCall or LookupLead or UpdateLead or ScheduleCallback or TransferToHuman;
}
