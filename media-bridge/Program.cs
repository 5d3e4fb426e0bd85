using CallCenter.MediaBridge.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddMediaBridge(builder.Configuration);
builder.WebHost.UseMediaBridgeSockets(builder.Configuration);

var app = builder.Build();
app.UseWebSockets();
app.MapMediaBridge();
app.Run();

public partial class Program;
