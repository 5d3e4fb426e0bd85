using CallCenter.MediaBridge.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

// IPromptBuilder is registered by core's AddPrompts, which arrives with the CRM and prompt work; the
// host must register it before the first call (the bridge resolves it from DI).
builder.Services.AddMediaBridge(builder.Configuration);
builder.WebHost.UseMediaBridgeSockets(builder.Configuration);

var app = builder.Build();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
app.MapMediaBridge();
app.Run();

public partial class Program;
