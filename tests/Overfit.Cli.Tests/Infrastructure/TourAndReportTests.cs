using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Overfit.Cli.Commands;
using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;
using Overfit.Cli.Reporting;

namespace Overfit.Cli.Tests.Infrastructure;

public class TourAndReportTests
{
    private static Command TourOver(params IExperiment[] experiments)
    {
        var root = new Command("overfit");
        root.Subcommands.Add(TourCommand.Create(() => experiments));
        return root;
    }

    private static void AssertSelfContained(string html)
    {
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("@import", html);
        foreach (Match source in Regex.Matches(html, "src=\"([^\"]*)\""))
            Assert.StartsWith("data:image/png;base64,", source.Groups[1].Value);
    }

    [Fact]
    public void TourRunsEveryRegisteredExperimentAndWritesOneSelfContainedReport()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("tour");
        var run = CliHarness.Run("tour", "--budget", "tiny", "--out", outDir, "--json");

        Assert.Equal(0, run.ExitCode);
        using var summary = JsonDocument.Parse(run.Stdout);
        var experiments = summary.RootElement.GetProperty("experiments");
        Assert.Equal(ExperimentRegistry.All.Count, experiments.GetArrayLength());
        int figureCount = 0;
        foreach (var experiment in experiments.EnumerateArray())
        {
            Assert.Equal("ok", experiment.GetProperty("status").GetString());
            var dir = experiment.GetProperty("run_dir").GetString()!;
            Assert.True(File.Exists(Path.Combine(dir, "metrics.json")));
            foreach (var figure in experiment.GetProperty("figures").EnumerateArray())
            {
                figureCount++;
                Assert.True(File.Exists(Path.Combine(dir, figure.GetProperty("png").GetString()!)));
                Assert.True(File.Exists(Path.Combine(dir, figure.GetProperty("svg").GetString()!)));
            }
        }
        var html = File.ReadAllText(Path.Combine(outDir, TourCommand.ReportFileName));
        AssertSelfContained(html);
        Assert.Equal(figureCount, Regex.Matches(html, "<img ").Count);
        foreach (var experiment in ExperimentRegistry.All) Assert.Contains($"overfit {experiment.Name}", html);
        Assert.True(File.Exists(Path.Combine(outDir, "metrics.json")));
    }

    [Fact]
    public void AFailingExperimentIsReportedAndTheOthersStillRun()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("tour");
        var run = CliHarness.Run(TourOver(new FakeExperiment("broken", failWith: "boom"), new FakeExperiment("fine")), "tour", "--budget", "tiny", "--out", outDir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: broken: boom", run.Stderr);
        Assert.Contains("error: 1 of 2 experiments failed", run.Stderr);
        Assert.True(File.Exists(Path.Combine(outDir, "fine", "curve.png")));
        var html = File.ReadAllText(Path.Combine(outDir, TourCommand.ReportFileName));
        Assert.Contains("error: boom second line", html);
        Assert.Single(Regex.Matches(html, "<img "));
        // The description holds markup characters; they must arrive encoded.
        Assert.Contains("Fake experiment &lt;fine&gt; for tests", html);
        Assert.Contains("a note for the report", html);
    }

    [Fact]
    public void OnlySelectsExperimentsAndRejectsUnknownNames()
    {
        using var folder = new TempFolder();
        var root = TourOver(new FakeExperiment("one"), new FakeExperiment("two"));
        var run = CliHarness.Run(root, "tour", "--budget", "tiny", "--out", folder.Sub("t"), "--only", "two");
        Assert.Equal(0, run.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(folder.Sub("t"), "one")));
        Assert.True(Directory.Exists(Path.Combine(folder.Sub("t"), "two")));

        var bad = CliHarness.Run(TourOver(new FakeExperiment("one")), "tour", "--out", folder.Sub("u"), "--only", "nope");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("error: --only: expected experiment names among [one], got unknown 'nope'", bad.Stderr);
    }

    [Fact]
    public void ReportEncodesTextAndShowsSettings()
    {
        var record = new RunRecord("demo", "a <b> & c", "/nowhere", true, null, DateTime.UnixEpoch, TimeSpan.FromSeconds(1.5),
            new Dictionary<string, object?> { ["seed"] = 42, ["alpha"] = 0.1 }, [],
            new ExperimentResult(new Dictionary<string, object?> { ["error_rate"] = 0.25 }, [], [new ResultTable("t", "k", "v").AddRow("x<y", 1.0)]));
        var html = HtmlReport.Build("Report <title>", [record], DateTime.UnixEpoch, new Dictionary<string, object?> { ["budget"] = "quick" });
        AssertSelfContained(html);
        Assert.Contains("a &lt;b&gt; &amp; c", html);
        Assert.Contains("x&lt;y", html);
        Assert.Contains("<td>alpha</td><td>0.1</td>", html);
        Assert.Contains("<td>error_rate</td><td>0.25</td>", html);
        Assert.Contains("Report &lt;title&gt;", html);
        Assert.Contains("· budget quick", html);
    }
}
