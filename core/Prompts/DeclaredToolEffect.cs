namespace CallCenter.Core.Prompts;

/// <summary>What a tenant-declared tool does when the model calls it; data, never code.</summary>
public enum DeclaredToolEffect
{
    /// <summary>Append the call's arguments (as JSON) to the lead's notes and answer "ok".</summary>
    AppendToLeadNotes,

    /// <summary>Answer the model with the declared <see cref="DeclaredTool.ReplyText"/>.</summary>
    Reply,
}
