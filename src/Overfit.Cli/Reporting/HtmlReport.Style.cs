namespace Overfit.Cli.Reporting;

internal static partial class HtmlReport
{
    // System font stacks only: the page must not fetch anything.
    private const string Css = """
        :root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0072b2; --bad: #b3261e; --warn: #8a5a00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #f6f8fa; }
        header, main { max-width: 1280px; margin: 0 auto; padding: 1.5rem 2rem; }
        header { padding-bottom: 0; }
        h1 { margin: 0 0 .25rem; font-size: 1.9rem; }
        h2 { margin: 0 0 .5rem; font-size: 1.45rem; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem 1.5rem; margin: 0 0 1.5rem; }
        .meta { color: var(--muted); font-size: .9rem; }
        .ok { color: #1a7f37; font-weight: bold; }
        .failed, .error { color: var(--bad); font-weight: bold; }
        .note { color: var(--warn); }
        figure { margin: 1rem 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
        figcaption { font-size: .95rem; color: var(--muted); }
        table { border-collapse: collapse; margin: .75rem 0 1rem; font-size: .95rem; }
        caption { text-align: left; font-weight: bold; padding-bottom: .25rem; }
        th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
        th { background: #f0f3f6; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.summary { width: 100%; background: #fff; }
        a { color: var(--accent); }
        details summary { cursor: pointer; color: var(--muted); }

        """;
}
