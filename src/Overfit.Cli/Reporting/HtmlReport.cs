using System.Globalization;
using System.Net;
using System.Text;
using Overfit.Cli.Infrastructure;
using Overfit.Plotting;

namespace Overfit.Cli.Reporting;

/// <summary>
/// Builds one self-contained HTML page from finished runs: figures embedded as base64 PNG, tables,
/// metrics, notes and the settings of each run. No external stylesheet, script, font or image, so
/// the file can be mailed or archived alone.
/// </summary>
internal static partial class HtmlReport
{
    /// <param name="title">Page title and first heading.</param>
    /// <param name="runs">The finished runs, one section each, in this order.</param>
    /// <param name="generatedUtc">When the report was made (UTC), printed under the title.</param>
    /// <param name="settings">Settings shared by all runs (e.g. seed and budget of a tour), shown under the title.</param>
    public static string Build(string title, IReadOnlyList<RunRecord> runs, DateTime generatedUtc, IReadOnlyDictionary<string, object?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(runs);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<header><h1>").Append(Encode(title)).Append("</h1>\n<p class=\"meta\">Generated ")
            .Append(Encode(generatedUtc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)))
            .Append(" · ").Append(runs.Count).Append(runs.Count == 1 ? " experiment" : " experiments")
            .Append(" · ").Append(runs.Count(r => !r.Succeeded)).Append(" failed");
        foreach (var (key, value) in settings ?? new Dictionary<string, object?>())
            html.Append(" · ").Append(Encode(key)).Append(' ').Append(Encode(ResultTable.Format(value)));
        html.Append("</p>\n");
        AppendContents(html, runs);
        html.Append("</header>\n<main>\n");
        foreach (var run in runs) AppendRun(html, run);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Writes the report atomically to <paramref name="path"/>.</summary>
    public static void Write(string path, string title, IReadOnlyList<RunRecord> runs, DateTime generatedUtc, IReadOnlyDictionary<string, object?>? settings = null) =>
        AtomicFile.WriteAllText(path, Build(title, runs, generatedUtc, settings));

    private static void AppendContents(StringBuilder html, IReadOnlyList<RunRecord> runs)
    {
        html.Append("<nav><table class=\"summary\"><thead><tr><th>experiment</th><th>status</th><th>time (s)</th><th>what it shows</th></tr></thead><tbody>\n");
        foreach (var run in runs)
        {
            html.Append("<tr><td><a href=\"#").Append(Anchor(run.Command)).Append("\">").Append(Encode(run.Command)).Append("</a></td>")
                .Append(run.Succeeded ? "<td class=\"ok\">ok</td>" : "<td class=\"failed\">failed</td>")
                .Append("<td class=\"num\">").Append(run.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)).Append("</td>")
                .Append("<td>").Append(Encode(run.Description)).Append("</td></tr>\n");
        }
        html.Append("</tbody></table></nav>\n");
    }

    private static void AppendRun(StringBuilder html, RunRecord run)
    {
        html.Append("<section id=\"").Append(Anchor(run.Command)).Append("\">\n<h2>overfit ").Append(Encode(run.Command)).Append("</h2>\n")
            .Append("<p>").Append(Encode(run.Description)).Append("</p>\n");
        if (!run.Succeeded)
            html.Append("<p class=\"error\">error: ").Append(Encode(run.Error ?? "unknown")).Append("</p>\n");
        foreach (var note in run.Notes)
            html.Append("<p class=\"note\">note: ").Append(Encode(note)).Append("</p>\n");
        foreach (var figure in run.Result.Figures) AppendFigure(html, run, figure);
        foreach (var table in run.Result.Tables) AppendTable(html, table.Title, table.Columns, table.Rows);
        if (run.Result.Metrics.Count > 0)
        {
            // When result tables already show the numbers, the raw metrics are folded away.
            bool folded = run.Result.Tables.Count > 0;
            if (folded) html.Append("<details><summary>All metrics (as in metrics.json)</summary>\n");
            AppendTable(html, folded ? null : "Metrics", ["metric", "value"], run.Result.Metrics.Select(m => (IReadOnlyList<string>)[m.Key, ResultTable.Format(m.Value)]).ToList());
            if (folded) html.Append("</details>\n");
        }
        html.Append("<details><summary>Settings of this run</summary>\n");
        var settings = run.Settings.Select(s => (IReadOnlyList<string>)[s.Key, ResultTable.Format(s.Value)]).ToList();
        settings.Add(["run directory", run.RunDirectory]);
        if (run.Files is { Count: > 0 } files) settings.Add(["data files", string.Join(", ", files)]);
        AppendTable(html, null, ["setting", "value"], settings);
        html.Append("</details>\n</section>\n");
    }

    private static void AppendFigure(StringBuilder html, RunRecord run, FigureRecord figure)
    {
        var path = Path.Combine(run.RunDirectory, figure.PngPath);
        html.Append("<figure>");
        if (File.Exists(path))
        {
            html.Append("<img alt=\"").Append(Encode(figure.Caption)).Append("\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(File.ReadAllBytes(path))).Append("\">");
        }
        else
        {
            html.Append("<p class=\"error\">missing figure file ").Append(Encode(figure.PngPath)).Append("</p>");
        }
        html.Append("<figcaption>").Append(Encode(figure.Caption)).Append(" <span class=\"meta\">(")
            .Append(Encode(figure.PngPath)).Append(", ").Append(Encode(figure.SvgPath)).Append(")</span></figcaption></figure>\n");
    }

    private static void AppendTable(StringBuilder html, string? title, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        html.Append("<table>");
        if (title is not null) html.Append("<caption>").Append(Encode(title)).Append("</caption>");
        html.Append("<thead><tr>");
        foreach (var column in columns) html.Append("<th>").Append(Encode(column)).Append("</th>");
        html.Append("</tr></thead><tbody>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(Encode(cell)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table>\n");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Anchor(string command) => "run-" + RunDirectory.Slug(command);
}
