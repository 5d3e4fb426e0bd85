using CallCenter.Core.Backup;
using CallCenter.Core.Prompts;
using CallCenter.Core.Storage;
using CallCenter.Core.WhatsApp;
using CallCenter.Functions;
using CallCenter.Core.Workflow;
using CallCenter.Web;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddCallCenterStorage(builder.Configuration);
builder.Services.AddCallCenterAuth(builder.Configuration);
builder.Services.AddCallHandling(builder.Configuration);
builder.Services.AddPrompts();
builder.Services.AddWhatsApp(builder.Configuration);
builder.Services.AddTableBackup(builder.Configuration);
builder.Services.AddSingleton<WebhookRequests>();
builder.Services.AddHostedService<StorageBootstrap>();

builder.Build().Run();
