using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Overfit.Tuning;

namespace Overfit.Dashboard;

/// <summary>
/// A web dashboard over a study storage (optuna-dashboard's counterpart): a study list, a page per study with its plots
/// and trial table, and the JSON API under <c>/api/</c> that the pages use. Everything it serves is inside this
/// assembly, so it works offline.
/// </summary>
public static class DashboardApp
{
    /// <summary>
    /// A Kestrel application serving <paramref name="storage"/> on <c>http://host:port/</c> (loopback 127.0.0.1:8080 by
    /// default; port 0 picks a free one, see <see cref="ListeningUrls"/> after start). Logging is limited to warnings.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The port is outside 0..65535.</exception>
    /// <exception cref="ArgumentException">The host is empty.</exception>
    public static WebApplication Create(IStorage storage, DashboardOptions? options = null, string host = "127.0.0.1", int port = 8080)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, $"port: expected a TCP port in 0..65535, got {port}");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        string hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        builder.WebHost.UseUrls($"http://{hostPart}:{port}");
        var app = builder.Build();
        app.MapDashboard(storage, options);
        return app;
    }

    /// <summary>The addresses a started application listens on (with the real port when it was started on port 0).</summary>
    public static IReadOnlyList<string> ListeningUrls(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
    }

    /// <summary>
    /// Maps the dashboard's pages (<c>/</c>, <c>/studies/{id}</c>), its scripts and styles (<c>/static/…</c>) and its API
    /// (<c>/api/…</c>) onto <paramref name="endpoints"/>, so it can live inside another ASP.NET Core application.
    /// </summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints, IStorage storage, DashboardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(storage);
        options ??= new DashboardOptions();
        endpoints.MapGet("/", () => Asset("index.html"));
        endpoints.MapGet("/studies/{id:int}", (int id) => Asset("study.html"));
        endpoints.MapGet("/static/{file}", (string file) => Asset(file));
        new DashboardApi(storage, options).Map(endpoints);
        return endpoints;
    }

    private static readonly Assembly Self = typeof(DashboardApp).Assembly;

    private static IResult Asset(string file)
    {
        using var stream = Self.GetManifestResourceStream("wwwroot/" + file);
        if (stream is null) return Results.NotFound();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        string type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".txt" => "text/plain; charset=utf-8",
            _ => "application/octet-stream",
        };
        return Results.Bytes(copy.ToArray(), type);
    }
}
