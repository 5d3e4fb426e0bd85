namespace CallCenter.Web;

/// <summary>Where a call's recording link and workflow state are read.</summary>
public sealed record CallLinksView(string Recording, string Workflow);
