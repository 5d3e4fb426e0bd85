using Microsoft.Extensions.FileProviders;

namespace CallCenter.Local.Host;

/// <summary>The dashboard's static files (the repository's dashboard/ folder, copied beside the host) at the root.</summary>
public static class Dashboard
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "dashboard");

    public static void UseDashboard(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // The page is the product's own; nothing else may script it or frame it.
            OnPrepareResponse = c =>
            {
                c.Context.Response.Headers.XContentTypeOptions = "nosniff";
                c.Context.Response.Headers.XFrameOptions = "DENY";
                c.Context.Response.Headers.CacheControl = "no-cache";
            },
        });
    }

    /// <summary>The page for one tenant; the key travels in the fragment, which browsers never send to a server.</summary>
    public static Uri Url(Uri baseUrl, string tenantId, string key) =>
        new($"{baseUrl.AbsoluteUri.TrimEnd('/')}/#tenant={Uri.EscapeDataString(tenantId)}&key={Uri.EscapeDataString(key)}");
}
