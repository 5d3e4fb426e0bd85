using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moq;

namespace CallCenter.Functions.Tests;

/// <summary>What an HTTP function answered: status, content type and body.</summary>
public sealed record HttpAnswer(int Status, string? ContentType, string Body);

/// <summary>
/// Invokes the app's HTTP trigger functions as the Functions worker's ASP.NET Core integration does: the route
/// (with host.json's "api" prefix) picks the function, its class comes from the app's container in the
/// invocation's scope, the request is an ASP.NET Core <see cref="HttpRequest"/> whose services are that scope,
/// and the <see cref="IActionResult"/> it returns is executed onto the response.
/// </summary>
public sealed class HttpTriggers(IServiceProvider app, DurableTaskClient durable)
{
    private const string RoutePrefix = "/api";

    public static IReadOnlyList<(MethodInfo Method, HttpTriggerAttribute Trigger)> All { get; } =
        [.. typeof(FunctionsApp).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Trigger is not null && f.Method.IsDefined(typeof(FunctionAttribute)))
            .Select(f => (f.Method, f.Trigger!))];

    public async Task<HttpAnswer> SendAsync(HttpRequestMessage message, CancellationToken ct = default)
    {
        var uri = message.RequestUri!;
        var (method, values) = Find(message.Method.Method, uri.AbsolutePath);

        await using var scope = app.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = ct };
        var request = http.Request;
        request.Method = message.Method.Method;
        request.Scheme = uri.Scheme;
        request.Host = new HostString(uri.Authority);
        request.Path = uri.AbsolutePath;
        request.QueryString = new QueryString(uri.Query);
        foreach (var (name, value) in message.Headers.Concat(message.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            request.Headers.Append(name, value.ToArray());
        }

        var body = message.Content is null ? [] : await message.Content.ReadAsByteArrayAsync(ct);
        request.Body = new MemoryStream(body);
        request.ContentLength = message.Content is null ? null : body.Length;
        var response = new MemoryStream();
        http.Response.Body = response;

        var context = FunctionContextFor(http, scope.ServiceProvider, ct);
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var arguments = method.GetParameters().Select(object? (p) =>
            p.IsDefined(typeof(HttpTriggerAttribute)) ? request
            : p.IsDefined(typeof(DurableClientAttribute)) ? durable
            : p.ParameterType == typeof(FunctionContext) ? context
            : p.ParameterType == typeof(CancellationToken) ? ct
            : values.TryGetValue(p.Name!, out var v) ? v?.ToString()
            : throw new InvalidOperationException($"No binding for {p.Name}.")).ToArray();
        var function = method.GetCustomAttribute<FunctionAttribute>()!.Name;
        var result = (IActionResult)(await HostLog.InvokeAsync(app.GetRequiredService<ILoggerFactory>(), function, durable: false, () => DurableFunctions.AwaitAsync(DurableFunctions.Invoke(method, target, arguments))))!;
        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(values), new ActionDescriptor()));

        return new HttpAnswer(http.Response.StatusCode, http.Response.ContentType, System.Text.Encoding.UTF8.GetString(response.ToArray()));
    }

    private static (MethodInfo Method, RouteValueDictionary Values) Find(string verb, string path)
    {
        if (!path.StartsWith(RoutePrefix + "/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{path} is outside the app's route prefix.");
        }

        foreach (var (method, trigger) in All)
        {
            var values = new RouteValueDictionary();
            var matcher = new TemplateMatcher(TemplateParser.Parse(trigger.Route!), []);
            if (trigger.Methods!.Contains(verb, StringComparer.OrdinalIgnoreCase) && matcher.TryMatch(path[RoutePrefix.Length..], values))
            {
                return (method, values);
            }
        }

        throw new InvalidOperationException($"No function serves {verb} {path}.");
    }

    // The worker's own FunctionContext is internal; the functions take none, so a stand-in carrying the
    // invocation's services and the HttpContext (where the ASP.NET Core integration keeps it) is enough.
    private static FunctionContext FunctionContextFor(HttpContext http, IServiceProvider services, CancellationToken ct)
    {
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.InstanceServices).Returns(services);
        context.SetupGet(c => c.Items).Returns(new Dictionary<object, object> { ["HttpRequestContext"] = http });
        context.SetupGet(c => c.CancellationToken).Returns(ct);
        context.SetupGet(c => c.InvocationId).Returns(Guid.NewGuid().ToString());
        return context.Object;
    }
}
