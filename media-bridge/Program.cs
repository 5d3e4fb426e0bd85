using CallCenter.MediaBridge.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddMediaBridgeHost();

var app = builder.Build();
app.UseMediaBridge();
app.Run();

public partial class Program;
