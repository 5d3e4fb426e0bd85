using System.Reflection;
using System.Text.Json;
using CallCenter.Core.Storage;
using CallCenter.Core.WhatsApp;
using CallCenter.Core.Workflow;
using CallCenter.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallCenter.Functions.Tests;

/// <summary>The worker's host as <c>functions/Program.cs</c> builds it, and the route table the Functions host reads.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class FunctionsHostTests(FunctionsFixture fixture)
{
    [Fact]
    public void Every_function_class_resolves_from_the_host_the_worker_builds()
    {
        var classes = typeof(FunctionsApp).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetMethods().Any(m => m.IsDefined(typeof(FunctionAttribute))))
            .ToList();
        Assert.Contains(typeof(Triggers.TwilioFunctions), classes);
        Assert.Contains(typeof(Triggers.WhatsAppFunctions), classes);

        using var scope = fixture.Worker.Services.CreateScope();
        foreach (var type in classes)
        {
            Assert.IsType(type, ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }
    }

    [Fact]
    public void The_webhook_signals_are_one_per_process_in_both_hosts()
    {
        foreach (var services in new[] { fixture.Worker.Services, fixture.Local.Services })
        {
            using var first = services.CreateScope();
            using var second = services.CreateScope();
            Assert.Same(first.ServiceProvider.GetRequiredService<CallWorkflowSignals>(), second.ServiceProvider.GetRequiredService<CallWorkflowSignals>());
            Assert.Same(first.ServiceProvider.GetRequiredService<WhatsAppWorkflowSignals>(), second.ServiceProvider.GetRequiredService<WhatsAppWorkflowSignals>());
        }
    }

    [Fact]
    public void Every_activity_class_resolves_from_the_host_the_worker_builds()
    {
        using var scope = fixture.Worker.Services.CreateScope();
        foreach (var activity in CallCenterWorkflows.All.SelectMany(w => w.Activities))
        {
            Assert.IsType(activity, scope.ServiceProvider.GetRequiredService(activity));
        }
    }

    [Fact]
    public void The_worker_host_validates_its_options_at_start()
    {
        var settings = fixture.Settings();
        settings["Storage:ConnectionString"] = null;
        settings["Bridge:TokenSigningKey"] = null;
        using var host = fixture.BuildWorker(settings);

        var error = Assert.Throws<AggregateException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            ["BridgeOptions", nameof(StorageOptions)],
            error.InnerExceptions.Cast<OptionsValidationException>().Select(e => e.OptionsType.Name).Order());
        fixture.Worker.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public async Task The_local_host_the_functions_metadata_and_the_openapi_document_list_the_same_routes()
    {
        var expected = ApiRoutes.All.Select(r => $"{r.Method} {r.Path}").Order().ToList();

        var local = fixture.Local.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order().ToList();
        Assert.Equal(expected, local);

        using var openApi = JsonDocument.Parse(await fixture.LocalHttp.GetStringAsync(new Uri("/api/openapi.json", UriKind.Relative)));
        var documented = openApi.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).Order().ToList();
        Assert.Equal(expected, documented);

        // The Worker SDK writes functions.metadata at build; the reference to the app copies it here.
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var functions = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
                .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} /api/{b.GetProperty("route").GetString()}")))
            .Order().ToList();
        Assert.Equal(expected, functions);
        Assert.Equal(expected, HttpTriggers.All.SelectMany(f => f.Trigger.Methods!.Select(m => $"{m.ToUpperInvariant()} /api/{f.Trigger.Route}")).Order().ToList());
    }
}
