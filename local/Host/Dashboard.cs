using CallCenter.DevServices;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace CallCenter.Local.Host;

/// <summary>The dashboard's static files (the repository's dashboard/ folder, copied beside the host) at the root.</summary>
public static class Dashboard
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "dashboard");

    /// <summary>Chart.js's distribution folder, installed by <c>npm ci</c> from the dashboard's lockfile.</summary>
    public static string VendorFolder => Path.Combine(AzuriteServer.RepositoryRoot(), "dashboard", "node_modules", "chart.js", "dist");

    /// <summary><c>npm ci</c> in the repository's dashboard/ folder unless Chart.js is installed already.</summary>
    public static Task EnsureVendorAsync(CancellationToken ct = default) =>
        NodeTools.InstallAsync(Path.Combine(AzuriteServer.RepositoryRoot(), "dashboard"), Path.Combine("node_modules", "chart.js", "dist", "chart.umd.js"), ct);

    public static void UseDashboard(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, OnPrepareResponse = Harden });

        // The page loads vendor/chart.umd.js: the lockfile's Chart.js, never a CDN.
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(VendorFolder), RequestPath = "/vendor", OnPrepareResponse = Harden });
    }

    // The page is the product's own; nothing else may script it or frame it.
    private static void Harden(StaticFileResponseContext c)
    {
        c.Context.Response.Headers.XContentTypeOptions = "nosniff";
        c.Context.Response.Headers.XFrameOptions = "DENY";
        c.Context.Response.Headers.CacheControl = "no-cache";
    }

    /// <summary>The page for one tenant; the key travels in the fragment, which browsers never send to a server.</summary>
    public static Uri Url(Uri baseUrl, string tenantId, string key) =>
        new($"{baseUrl.AbsoluteUri.TrimEnd('/')}/#tenant={Uri.EscapeDataString(tenantId)}&key={Uri.EscapeDataString(key)}");
}
