using System.Text.Json;
using Microsoft.Playwright;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Dashboard;

/// <summary>The dashboard's pages in headless chromium: every plot drawn with the expected marks, no console error.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture f)
{
    private static async Task<int> Count(IPage page, string selector) => await page.Locator(selector).CountAsync();

    /// <summary>Opens a study page with live refresh off and waits until its first fetch drew everything.</summary>
    private async Task<(IPage Page, List<string> Errors)> OpenStudy(Study study, int width = 1280, int height = 800)
    {
        var (page, errors) = await f.OpenPage(width, height);
        await page.GotoAsync($"{f.BaseUrl}/studies/{study.StudyId}?refresh=0");
        await page.WaitForSelectorAsync("body[data-update]");
        return (page, errors);
    }

    [ChromiumFact]
    public async Task StudyListShowsEveryStudy()
    {
        var (page, errors) = await f.OpenPage();
        await page.GotoAsync(f.BaseUrl + "/?refresh=0");
        await page.WaitForSelectorAsync("body[data-studies]");
        Assert.Equal(3, await Count(page, "#studies tbody tr"));
        var row = page.Locator($"#studies tbody tr[data-study-id='{f.Single.StudyId}']");
        Assert.Equal("single", await row.Locator("a").InnerTextAsync());
        Assert.Contains("8 complete, 4 pruned, 4 fail", await row.InnerTextAsync());
        await row.Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("body[data-update]");
        Assert.Equal("single", await page.InnerTextAsync("#study-name"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task SingleObjectiveStudyDrawsEveryPlot()
    {
        var (page, errors) = await OpenStudy(f.Single);
        Assert.Equal(8, await Count(page, "svg[data-plot='history'] circle.pt"));
        Assert.Equal(1, await Count(page, "svg[data-plot='history'] polyline.best"));
        // Small studies keep SVG marks (each with its title); data-drawn counts them as the canvas charts do.
        foreach (var (plot, marks) in new[] { ("history", 8), ("intermediate", 16 + 4), ("parallel", 8), ("slice-x", 8), ("contour", 8), ("timeline", 16) })
        {
            Assert.Equal("svg", await page.Locator($"svg[data-plot='{plot}']").GetAttributeAsync("data-render"));
            Assert.Equal(marks.ToString(), await page.Locator($"svg[data-plot='{plot}']").GetAttributeAsync("data-drawn"));
        }
        Assert.Equal(0, await Count(page, "canvas"));
        Assert.Equal(16, await Count(page, "svg[data-plot='intermediate'] polyline.curve"));
        Assert.Equal(4, await Count(page, "svg[data-plot='intermediate'] path.pruned-mark"));
        Assert.Equal(8, await Count(page, "svg[data-plot='parallel'] polyline.line"));
        foreach (string p in new[] { "c", "x", "y" }) Assert.Equal(8, await Count(page, $"svg[data-plot='slice-{p}'] circle.pt"));
        Assert.Equal(8, await Count(page, "svg[data-plot='contour'] circle.pt"));
        Assert.Equal(24 * 24, await Count(page, "svg[data-plot='contour'] rect.cell"));
        await page.WaitForSelectorAsync("body[data-importance]"); // importances arrive after the plots
        Assert.Equal(3, await Count(page, "svg[data-plot='importance-fanova'] rect.bar"));
        Assert.Equal(3, await Count(page, "svg[data-plot='importance-ped-anova'] rect.bar"));
        Assert.Equal(16, await Count(page, "svg[data-plot='timeline'] rect.bar"));
        Assert.False(await page.IsVisibleAsync("#pareto-section"));
        // Choosing the contour's axes redraws it over the chosen pair.
        await page.SelectOptionAsync("#contour-x", "y");
        await page.SelectOptionAsync("#contour-y", "x");
        Assert.Contains("over y, x", await page.Locator("svg[data-plot='contour'] .chart-title").TextContentAsync());
        Assert.Equal(8, await Count(page, "svg[data-plot='contour'] circle.pt"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task TrialTableSortsAndFilters()
    {
        var (page, errors) = await OpenStudy(f.Single);
        // Pruned trials carry their last intermediate value, so they sort with the completed ones; failed ones come last.
        var valued = f.Single.Trials.Where(t => t.Values is not null).ToArray();
        async Task<int> FirstRow() => int.Parse((await page.Locator("#trials tbody tr").First.GetAttributeAsync("data-number"))!);
        Assert.Equal(16, await Count(page, "#trials tbody tr"));
        await page.ClickAsync("#trials th button[data-key='value']");
        Assert.Equal(valued.MinBy(t => t.Values![0])!.Number, await FirstRow());
        await page.ClickAsync("#trials th button[data-key='value']");
        Assert.Equal(valued.MaxBy(t => t.Values![0])!.Number, await FirstRow());
        Assert.Equal("descending", await page.Locator("#trials th[aria-sort]").GetAttributeAsync("aria-sort"));

        await page.SelectOptionAsync("#state-filter", "PRUNED");
        Assert.Equal(4, await Count(page, "#trials tbody tr"));
        Assert.All(await page.Locator("#trials tbody td.state").AllInnerTextsAsync(), s => Assert.Equal("PRUNED", s));
        await page.SelectOptionAsync("#state-filter", "");
        await page.FillAsync("#trial-filter", "tanh");
        int tanh = f.Single.Trials.Count(t => (string)t.Params["c"]! == "tanh");
        Assert.True(tanh > 0);
        Assert.Equal(tanh, await Count(page, "#trials tbody tr"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task CsvDownloadHasEveryTrial()
    {
        var (page, errors) = await OpenStudy(f.Single);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        string path = Path.Combine(f.DownloadDir, "single-download.csv");
        await download.SaveAsAsync(path);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(17, lines.Length);
        Assert.StartsWith("number,value,", lines[0]);
        using var expected = new StringWriter();
        f.Single.WriteTrialsCsv(expected);
        Assert.Equal(expected.ToString(), File.ReadAllText(path));
        Assert.Equal("single.csv", download.SuggestedFilename);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task MultiObjectiveStudyShowsItsParetoFront()
    {
        var (page, errors) = await OpenStudy(f.Multi);
        Assert.True(await page.IsVisibleAsync("#pareto-section"));
        await page.WaitForSelectorAsync("svg[data-plot='pareto'][data-front]");
        Assert.Equal(12, await Count(page, "svg[data-plot='pareto'] circle.pt"));
        Assert.Equal(f.Multi.BestTrials.Count, await Count(page, "svg[data-plot='pareto'] circle.front"));
        Assert.Equal(12, await Count(page, "svg[data-plot='history'] circle.pt"));
        Assert.Equal(1, await Count(page, "svg[data-plot='history'] polyline.best")); // best so far of objective 0
        // The objective selector switches every plot to the second objective.
        await page.SelectOptionAsync("#objective", "1");
        Assert.Contains("objective 1", await page.Locator("svg[data-plot='history']").TextContentAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task PagesFitDesktopAndPhoneWidths()
    {
        foreach (var (w, h) in new[] { (1280, 800), (390, 844) })
        {
            var (page, errors) = await OpenStudy(f.Single, w, h);
            int overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{w}×{h}: the page is {overflow} px wider than the screen");
            var box = await page.Locator("svg[data-plot='history']").BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.InRange(box!.Width, 200, w);
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [ChromiumFact]
    public async Task LiveRefreshShowsTrialsAWorkerAddsAfterLoad()
    {
        var (page, errors) = await f.OpenPage();
        var fetched = new List<int>();
        page.Response += async (_, r) =>
        {
            if (!r.Url.Contains("/trials?since=", StringComparison.Ordinal)) return;
            try
            {
                using var doc = JsonDocument.Parse(await r.TextAsync());
                lock (fetched) fetched.Add(doc.RootElement.GetProperty("trials").GetArrayLength());
            }
            catch (PlaywrightException) { } // a refresh still in flight when the page closed

        };
        int before = f.Live.Trials.Count;
        await page.GotoAsync($"{f.BaseUrl}/studies/{f.Live.StudyId}?refresh=250");
        await page.WaitForSelectorAsync($"body[data-n-trials='{before}']");
        Assert.Equal(before, await Count(page, "svg[data-plot='history'] circle.pt"));

        var worker = DashboardSeed.StartWorker(f.StorageUrl, "live", nTrials: 2, seed: 11);
        await DashboardSeed.Finish(worker);
        await page.WaitForSelectorAsync($"body[data-n-trials='{before + 2}']", new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync($"document.querySelectorAll(\"svg[data-plot='history'] circle.pt\").length === {before + 2}");
        Assert.Equal(before + 2, await Count(page, "#trials tbody tr"));
        int[] sizes;
        lock (fetched) sizes = fetched.ToArray();
        // The first fetch carries every trial; each later one only trials that changed (the worker's two at most).
        Assert.Equal(before, sizes[0]);
        Assert.All(sizes.Skip(1), n => Assert.InRange(n, 0, 2));
        Assert.True(sizes.Skip(1).Sum() >= 2);
        // Every trial came from Study.Optimize, which records its worker: this test process's and the worker process's.
        var timeline = page.Locator("svg[data-plot='timeline']");
        Assert.Equal("workers", await timeline.GetAttributeAsync("data-lanes-from"));
        Assert.Equal("2", await timeline.GetAttributeAsync("data-lanes"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
