using CallCenter.DevServices;

namespace CallCenter.Local.Host;

public sealed record LocalHostSettings
{
    /// <summary>The HTTP port of the Functions routes; 0 picks a free one.</summary>
    public int Port { get; init; } = 7071;

    /// <summary>Storage to use; when null the host starts Azurite with its data under <see cref="DataFolder"/>.</summary>
    public string? StorageConnectionString { get; init; }

    public string DataFolder { get; init; } = Path.Combine(AzuriteServer.RepositoryRoot(), ".local-data", "azurite");

    /// <summary>Azurite's blob, queue and table ports (the tools' defaults); null picks free ones.</summary>
    public (int Blob, int Queue, int Table)? AzuritePorts { get; init; } = (10000, 10001, 10002);

    public string TaskHub { get; init; } = "callcenter";

    /// <summary>Configuration on top of the embedded defaults (appsettings.json) and the environment.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}
