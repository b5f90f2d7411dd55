using System.Globalization;
using Microsoft.Playwright;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Dashboard;

/// <summary>
/// The study page over 10,000 trials in headless chromium: structural bounds only (tests never time things; the
/// timings are `bench dashboard --browser`). Plots with more than 1,000 marks paint them on one canvas and say how
/// many (data-drawn), the table keeps one page of rows in the DOM, sort and filter are right over the whole study,
/// and a live refresh paints only new trials.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardLargeStudyTests(BrowserFixture browser, LargeStudyFixture f) : IClassFixture<LargeStudyFixture>
{
    private LargeTrial[] Trials => f.Trials;
    private int Complete => Trials.Count(t => t.State == TrialState.Complete);

    private async Task<(IPage Page, List<string> Errors)> Open(Study study, int refreshMs = 0)
    {
        var (page, errors) = await browser.OpenPage();
        await page.GotoAsync($"{f.BaseUrl}/studies/{study.StudyId}?refresh={refreshMs}");
        await page.WaitForSelectorAsync($"body[data-n-trials='{LargeStudyFixture.N}']", new() { Timeout = 120_000 });
        return (page, errors);
    }

    private static async Task<string?> Attr(IPage page, string plot, string name) =>
        await page.Locator($"svg[data-plot='{plot}']").GetAttributeAsync(name);

    private static async Task<int[]> RowNumbers(IPage page) =>
        (await page.Locator("#trials tbody tr").EvaluateAllAsync<int[]>("rows => rows.map(r => Number(r.dataset.number))"));

    [ChromiumFact]
    public async Task EveryPlotDrawsTenThousandTrialsOnCanvasWithABoundedDom()
    {
        var (page, errors) = await Open(f.Large);
        foreach (string plot in new[] { "history", "parallel", "slice-x", "slice-y", "slice-c", "contour" })
        {
            Assert.Equal("canvas", await Attr(page, plot, "data-render"));
            Assert.Equal(Complete.ToString(), await Attr(page, plot, "data-points"));
            // Parallel coordinates draw 1,000 lines and the contour marks 1,000 trials (its fill uses all), and both say so;
            // the other scatter plots mark every trial.
            Assert.Equal(plot is "parallel" or "contour" ? "1000" : Complete.ToString(), await Attr(page, plot, "data-drawn"));
            Assert.Equal(1, await page.Locator($"svg[data-plot='{plot}'] canvas").CountAsync());
            Assert.Equal(0, await page.Locator($"svg[data-plot='{plot}'] .marks circle, svg[data-plot='{plot}'] .marks polyline.line").CountAsync());
        }
        // The best-so-far line keeps only its corners: two vertices per improvement, the first and last one each.
        int improvements = 0;
        double best = double.PositiveInfinity;
        foreach (var t in Trials.Where(t => t.Value is not null))
            if (t.Value < best) { best = t.Value.Value; improvements++; }
        Assert.Equal($"Parallel coordinates: 1,000 of {Complete.ToString("N0", CultureInfo.InvariantCulture)} trials (best 250 + even spread)",
            await page.Locator("svg[data-plot='parallel'] .chart-title").TextContentAsync());
        Assert.EndsWith($"(1,000 of {Complete.ToString("N0", CultureInfo.InvariantCulture)} marked)", await page.Locator("svg[data-plot='contour'] .chart-title").TextContentAsync());
        string points = (await page.Locator("svg[data-plot='history'] polyline.best").GetAttributeAsync("points"))!;
        Assert.Equal(2 * improvements, points.Split(' ').Length);

        Assert.Equal("canvas", await Attr(page, "timeline", "data-render"));
        Assert.Equal(LargeStudyFixture.N.ToString(), await Attr(page, "timeline", "data-drawn"));
        Assert.Equal("2", await Attr(page, "timeline", "data-lanes")); // a trial every 0.5 s, each 0.9 s long
        // Intermediate values: the latest 300 trials that reported any (all pruned here), few enough for SVG.
        Assert.Equal("svg", await Attr(page, "intermediate", "data-render"));
        Assert.Equal(300, await page.Locator("svg[data-plot='intermediate'] polyline.curve").CountAsync());
        Assert.Equal(300, await page.Locator("svg[data-plot='intermediate'] path.pruned-mark").CountAsync());
        Assert.Equal(24 * 24, await page.Locator("svg[data-plot='contour'] rect.cell").CountAsync());

        Assert.Equal(50, await page.Locator("#trials tbody tr").CountAsync());
        Assert.Equal(LargeStudyFixture.N.ToString(), await page.Locator("#trials table").GetAttributeAsync("data-total"));
        int elements = await page.EvaluateAsync<int>("document.getElementsByTagName('*').length");
        Assert.InRange(elements, 1, 5000);

        // fANOVA says it used a seeded subsample; PED-ANOVA used every completed trial.
        await page.WaitForSelectorAsync("body[data-importance]", new() { Timeout = 120_000 });
        string complete = Complete.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Equal($"{LargeStudyFixture.FanovaMaxTrials} of {complete} completed trials (seeded subsample, seed 0)",
            await page.InnerTextAsync("#importance-fanova .chart-note"));
        Assert.Equal($"all {complete} completed trials", await page.InnerTextAsync("#importance-ped .chart-note"));
        Assert.Equal(3, await page.Locator("svg[data-plot='importance-fanova'] rect.bar").CountAsync());

        var list = await page.Context.NewPageAsync();
        var listErrors = new List<string>();
        list.Console += (_, m) => { if (m.Type == "error") listErrors.Add(m.Text); };
        await list.GotoAsync(f.BaseUrl + "/?refresh=0");
        await list.WaitForSelectorAsync("body[data-studies]");
        Assert.Contains($"{LargeStudyFixture.N}", await list.Locator($"#studies tbody tr[data-study-id='{f.Large.StudyId}']").InnerTextAsync());
        Assert.Empty(listErrors);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task TableSortsAndFiltersTheWholeStudyOnePageAtATime()
    {
        var (page, errors) = await Open(f.Large);
        int[] Page(IEnumerable<LargeTrial> rows, int p = 0) => rows.Skip(50 * p).Take(50).Select(t => t.Number).ToArray();
        var valued = Trials.Where(t => t.Value is not null);
        var missing = Trials.Where(t => t.Value is null).OrderBy(t => t.Number);
        Assert.Equal(Page(Trials), await RowNumbers(page));

        await page.ClickAsync("#trials th button[data-key='value']");
        var ascending = valued.OrderBy(t => t.Value).ThenBy(t => t.Number).Concat(missing).ToArray();
        Assert.Equal(Page(ascending), await RowNumbers(page));
        await page.ClickAsync("#next-page");
        Assert.Equal(Page(ascending, 1), await RowNumbers(page));
        Assert.Equal(50, await page.Locator("#trials tbody tr").CountAsync());
        await page.ClickAsync("#trials th button[data-key='value']");
        // A new sort keeps the page; missing values still sort last.
        var descending = valued.OrderByDescending(t => t.Value).ThenBy(t => t.Number).Concat(missing).ToArray();
        Assert.Equal(Page(descending, 1), await RowNumbers(page));
        Assert.Contains($"{LargeStudyFixture.N} of {LargeStudyFixture.N} trials · page 2 of 200", await page.InnerTextAsync("#page-info"));

        await page.SelectOptionAsync("#state-filter", "FAIL");
        var failed = Trials.Where(t => t.State == TrialState.Fail).OrderBy(t => t.Number).ToArray(); // no value: ties by number
        Assert.Equal(Page(failed), await RowNumbers(page));
        Assert.Equal(failed.Length.ToString(), await page.Locator("#trials table").GetAttributeAsync("data-rows"));

        await page.SelectOptionAsync("#state-filter", "COMPLETE");
        await page.ClickAsync("#trials th button[data-key='params_x']");
        await page.ClickAsync("#trials th button[data-key='params_x']");
        var byX = Trials.Where(t => t.State == TrialState.Complete).OrderByDescending(t => t.X).ThenBy(t => t.Number).ToArray();
        Assert.Equal(Page(byX), await RowNumbers(page));

        await page.SelectOptionAsync("#state-filter", "");
        await page.FillAsync("#trial-filter", "tanh");
        var tanh = Trials.Where(t => t.C == "tanh").OrderByDescending(t => t.X).ThenBy(t => t.Number).ToArray();
        Assert.Equal(tanh.Length.ToString(), await page.Locator("#trials table").GetAttributeAsync("data-rows"));
        Assert.Equal(Page(tanh), await RowNumbers(page));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task LiveRefreshPaintsOnlyTheNewTrials()
    {
        var (page, errors) = await Open(f.Live, refreshMs: 250);
        int complete = Enumerable.Range(0, LargeStudyFixture.N).Count(i => LargeStudy.Expected(i, seed: 2).State == TrialState.Complete);
        async Task Add(int count)
        {
            int before = await page.EvaluateAsync<int>("Number(document.body.dataset.nTrials)");
            // Inside the plotted ranges, without intermediate values: only charts of completed trials change.
            for (int i = 0; i < count; i++)
                f.Live.AddTrial(LargeStudy.Template(new LargeTrial(0, TrialState.Complete, 1, 5, "relu", 2.5, 0, DateTime.Now, DateTime.Now)));
            await page.WaitForSelectorAsync($"body[data-n-trials='{before + count}']", new() { Timeout = 60_000 });
        }
        await Add(3); // trial numbers past 10,000 widen the history's axis once: this refresh redraws it
        Assert.Equal((complete + 3).ToString(), await Attr(page, "history", "data-drawn"));
        await page.EvaluateAsync("() => { window.kept = ['history', 'slice-x', 'intermediate'].map(p => document.querySelector(`svg[data-plot='${p}']`)); window.keptCanvas = document.querySelector(\"svg[data-plot='history'] canvas\"); }");
        await Add(3);
        // The same elements: the history and slices painted three more marks on their canvases, the intermediate
        // values (no trial reported one) were left alone.
        Assert.True(await page.EvaluateAsync<bool>("() => window.kept.every(e => e.isConnected) && window.keptCanvas.isConnected"));
        Assert.Equal((complete + 6).ToString(), await Attr(page, "history", "data-points"));
        Assert.Equal((complete + 6).ToString(), await Attr(page, "history", "data-drawn"));
        Assert.Equal((complete + 6).ToString(), await Attr(page, "slice-x", "data-drawn"));
        Assert.Equal((complete + 6).ToString(), await Attr(page, "parallel", "data-points"));
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task ParetoPlotOfThreeObjectivesShowsTheChosenPair()
    {
        var (page, errors) = await browser.OpenPage();
        await page.GotoAsync($"{f.BaseUrl}/studies/{f.Three.StudyId}?refresh=0");
        await page.WaitForSelectorAsync("svg[data-plot='pareto'][data-front]");
        Assert.True(await page.IsVisibleAsync("#pareto-pick"));
        // The front is over all three objectives, whichever two are plotted.
        string front = f.Three.BestTrials.Count.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(front, await Attr(page, "pareto", "data-front"));
        await page.SelectOptionAsync("#pareto-x", "2");
        await page.SelectOptionAsync("#pareto-y", "0");
        var labels = await page.Locator("svg[data-plot='pareto'] .axis-label").AllTextContentsAsync();
        Assert.Equal(["objective 2 (maximize)", "objective 0 (minimize)"], labels);
        Assert.Equal(front, await Attr(page, "pareto", "data-front"));
        Assert.Equal(20, await page.Locator("svg[data-plot='pareto'] circle.pt").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
