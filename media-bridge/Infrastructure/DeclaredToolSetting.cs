using CallCenter.Core.Prompts;

namespace CallCenter.MediaBridge.Infrastructure;

/// <summary>One declared tool as configuration holds it.</summary>
public sealed class DeclaredToolSetting
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string ParametersJsonSchema { get; set; } = """{"type":"object","properties":{}}""";
    public DeclaredToolEffect Effect { get; set; }
    public string? ReplyText { get; set; }
}
