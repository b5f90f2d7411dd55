using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Dashboard;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Dashboard;

/// <summary>Runs only where Debian's chromium is installed (`.ci/run` installs it); skipped with the reason elsewhere.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>The browser the end-to-end tests drive.</summary>
    public const string Chromium = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium))
            Skip = $"SKIPPED: no browser at {Chromium}; the dashboard's end-to-end tests need Debian's chromium (apt-get install -y chromium)";
    }
}

/// <summary>
/// One dashboard on a free loopback port over a SQLite file with three studies (single-objective with pruned and failed
/// trials, two objectives, and one a worker process extends during a test), and one headless chromium for every case.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly TempFolder _tmp = new();
    private IPlaywright? _playwright;
    private WebApplication? _app;

    public string StorageUrl => "sqlite:///" + _tmp.Sub("dash.db");
    public RdbStorage Storage { get; private set; } = null!;
    public Study Single { get; private set; } = null!;
    public Study Multi { get; private set; } = null!;
    public Study Live { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public string DownloadDir => _tmp.Path;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.Chromium)) return;
        Storage = new RdbStorage(StorageUrl);
        Single = DashboardSeed.SingleObjective(Storage);
        Multi = DashboardSeed.MultiObjective(Storage);
        // The same search space as `overfit study optimize --objective quadratic`, so a worker can continue it.
        Live = Study.Create("live", Storage, new RandomSampler(seed: 1));
        Live.Optimize(t => Math.Pow(t.SuggestFloat("x", -10, 10) - 2, 2) + Math.Pow(t.SuggestInt("y", -5, 5) + 1, 2), nTrials: 3);
        _app = DashboardApp.Create(Storage, port: 0);
        await _app.StartAsync();
        BaseUrl = DashboardApp.ListeningUrls(_app)[0].TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.Chromium, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        Storage?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    /// <summary>A fresh page of the given size that records console errors and uncaught exceptions.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenPage(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add("console: " + m.Text); };
        page.PageError += (_, e) => { lock (errors) errors.Add("page error: " + e); };
        return (page, errors);
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "dashboard in chromium";
}
