using System.Diagnostics;
using Microsoft.Playwright;
using Overfit.Tuning;

namespace Overfit.Benchmarks;

/// <summary>
/// `dashboard --browser`: the study page of the same study in Debian's headless chromium (1280×800) through
/// Playwright, as the end-to-end tests drive it: navigation until every plot and the table are drawn (wall clock,
/// including the cold page load and the trial list; and by the page's clock from navigation start), the page's own
/// first-draw time (its <c>overfit:draw</c> performance measure, with its parts: fetch, parse, each chart, the table),
/// each the median of --browser-runs fresh page loads (3); then a table sort and a table filter timed inside the page
/// (median of five, layout included), the DOM size, and the redraw after --new trials arrive through live refresh.
/// The importance panels get a stub reply, so no forest competes with the page (--importance times them over the API).
/// </summary>
public static partial class DashboardBenchmark
{
    private const string Chromium = "/usr/bin/chromium";

    private const string LastDraw = "(() => { const m = performance.getEntriesByName('overfit:draw'); return m.length ? m[m.length - 1].duration : -1; })()";

    // The latest duration of each part the page measures (fetch, parse, one per chart, the table), as a JSON object.
    private const string Parts = """
(() => { const o = {}; for (const e of performance.getEntriesByType('measure'))
  if (e.name.startsWith('overfit:') && e.name !== 'overfit:draw') o[e.name.slice(8)] = Math.round(e.duration * 10) / 10;
  return JSON.stringify(o); })()
""";

    // Each sort/filter is timed in the page from the event to a forced layout, so the figure is the page's own work.
    private const string TimedSort = """
(() => { const b = document.querySelector("#trials th button[data-key='value']"); const t0 = performance.now();
  b.click(); void document.body.offsetHeight; return performance.now() - t0; })()
""";

    private const string TimedFilter = """
(needle) => { const f = document.querySelector('#trial-filter'); const t0 = performance.now(); f.value = needle;
  f.dispatchEvent(new Event('input')); void document.body.offsetHeight; return performance.now() - t0; }
""";

    private static string? BrowserTimings(string baseUrl, Study study, int added, int runs)
    {
        if (!File.Exists(Chromium))
        {
            Console.Error.WriteLine($"dashboard --browser skipped: no browser at {Chromium} (apt-get install -y chromium)");
            return null;
        }
        return BrowserTimingsAsync(baseUrl, study, added, runs).GetAwaiter().GetResult();
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs[xs.Count / 2];
    }

    private static async Task<string> BrowserTimingsAsync(string baseUrl, Study study, int added, int runs)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        // Importances are timed over the API (--importance); here their forest must not compete with the page for the CPU.
        await context.RouteAsync("**/importance?**", r => r.FulfillAsync(new()
        {
            Status = 200, ContentType = "application/json", Body = "{\"importances\":null,\"reason\":\"not part of this timing\"}",
        }));
        // The moment the page marks itself drawn (body[data-update]) and the frame after it (two animation frames later:
        // canvases are rasterized then, not while the script paints them), by the page's clock from navigation start;
        // the same figures for any version of the page, with no driver round trip in them.
        await context.AddInitScriptAsync("""
new MutationObserver(() => {
  if (window.drawnAt || !document.body || document.body.dataset.update === undefined) return;
  window.drawnAt = performance.now();
  requestAnimationFrame(() => requestAnimationFrame(() => { window.paintedAt = performance.now(); }));
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-update'] });
""");
        int errors = 0;
        int before = study.Trials.Count;
        var ready = new List<double>();
        var inPage = new List<double>();
        var painted = new List<double>();
        var draw = new List<double>();
        IPage page = null!;
        string parts = "{}";
        for (int run = 0; run < runs; run++)
        {
            if (run > 0) await page.CloseAsync();
            page = await context.NewPageAsync();
            page.Console += (_, m) => { if (m.Type == "error") { errors++; Console.Error.WriteLine("browser console: " + m.Text); } };
            page.PageError += (_, e) => { errors++; Console.Error.WriteLine("browser page error: " + e); };
            var sw = Stopwatch.StartNew();
            await page.GotoAsync($"{baseUrl}/studies/{study.StudyId}?refresh=0");
            await page.WaitForSelectorAsync("body[data-update]", new() { Timeout = 600_000 });
            ready.Add(sw.Elapsed.TotalMilliseconds);
            draw.Add(await page.EvaluateAsync<double>(LastDraw));
            inPage.Add(await page.EvaluateAsync<double>("window.drawnAt || -1"));
            await page.WaitForFunctionAsync("window.paintedAt", null, new() { Timeout = 600_000 });
            painted.Add(await page.EvaluateAsync<double>("window.paintedAt"));
            parts = await page.EvaluateAsync<string>(Parts);
        }
        var sorts = new List<double>();
        for (int k = 0; k < 5; k++) sorts.Add(await page.EvaluateAsync<double>(TimedSort));
        var filters = new List<double>();
        for (int k = 0; k < 5; k++)
        {
            filters.Add(await page.EvaluateAsync<double>(TimedFilter, "0.5"));
            await page.EvaluateAsync<double>(TimedFilter, "");
        }
        int nodes = await page.EvaluateAsync<int>("document.getElementsByTagName('*').length");
        int rows = await page.Locator("#trials tbody tr").CountAsync();

        // Live refresh: a page polling every 300 ms picks up --new trials; the figure is its redraw after them.
        var live = await context.NewPageAsync();
        await live.GotoAsync($"{baseUrl}/studies/{study.StudyId}?refresh=300");
        await live.WaitForSelectorAsync($"body[data-n-trials='{before}']", new() { Timeout = 600_000 });
        Fill(study, added);
        await live.WaitForSelectorAsync($"body[data-n-trials='{before + added}']", new() { Timeout = 600_000 });
        double incrementalMs = await live.EvaluateAsync<double>(LastDraw);
        string liveParts = await live.EvaluateAsync<string>(Parts);
        return "{" + string.Join(",",
            "\"bench\":\"dashboard-browser\"", "\"impl\":\"overfit+chromium\"", $"\"trials\":{before}", $"\"runs\":{runs}",
            F("page_ready_ms", Median(ready)), F("navigation_to_drawn_ms", Median(inPage)), F("navigation_to_painted_ms", Median(painted)), F("first_draw_ms", Median(draw)),
            $"\"first_draw_parts_ms\":{parts}",
            F("sort_ms", Median(sorts)), F("filter_ms", Median(filters)),
            $"\"dom_elements\":{nodes}", $"\"table_rows_in_dom\":{rows}",
            $"\"new_trials\":{added}", F("incremental_draw_ms", incrementalMs), $"\"incremental_parts_ms\":{liveParts}",
            $"\"console_errors\":{errors}") + "}";
    }
}
