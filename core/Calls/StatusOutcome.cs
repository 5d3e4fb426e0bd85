namespace CallCenter.Core.Calls;

/// <summary>What applying one status report did to a call.</summary>
public enum StatusOutcome
{
    /// <summary>The call moved forward to the reported status.</summary>
    Advanced,

    /// <summary>An earlier status arrived late: its time was recorded, the status did not move back.</summary>
    RecordedLate,

    /// <summary>The same report again: nothing changed.</summary>
    Duplicate,

    /// <summary>A different terminal status after the call had already ended: nothing changed.</summary>
    IgnoredAfterTerminal,
}
