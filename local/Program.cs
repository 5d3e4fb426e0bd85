using CallCenter.Local.Host;

// The product on this machine: Azurite, the Functions routes and the Durable engine, until Ctrl+C.
// Storage:ConnectionString (environment: Storage__ConnectionString) points it at running storage instead.
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args, new Dictionary<string, string>
{
    ["--port"] = "Local:Port",
    ["--task-hub"] = "Local:TaskHub",
}).Build();

await using var host = await LocalHost.StartAsync(new LocalHostSettings
{
    Port = configuration.GetValue("Local:Port", 7071),
    StorageConnectionString = configuration["Storage:ConnectionString"],
    TaskHub = configuration["Local:TaskHub"] ?? "callcenter",
});
Console.WriteLine($"CallCenter is running at {host.BaseUrl} (Ctrl+C to stop)");
await host.App.WaitForShutdownAsync();
