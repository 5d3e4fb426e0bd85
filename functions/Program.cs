using CallCenter.Core.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddCallCenterStorage(builder.Configuration);
builder.Services.AddCallCenterAuth(builder.Configuration);

builder.Build().Run();
