using CallCenter.Local.Host;

// The product on this machine: Azurite, the Functions routes and the Durable engine, until Ctrl+C.
var port = args.SkipWhile(a => a != "--port").Skip(1).Select(int.Parse).FirstOrDefault(7071);
await using var host = await LocalHost.StartAsync(new LocalHostSettings { Port = port });
Console.WriteLine($"CallCenter is running at {host.BaseUrl} (Ctrl+C to stop)");
await host.App.WaitForShutdownAsync();
