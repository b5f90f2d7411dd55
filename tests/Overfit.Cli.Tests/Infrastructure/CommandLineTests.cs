using System.CommandLine;
using System.Text.Json;
using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;

namespace Overfit.Cli.Tests.Infrastructure;

public class CommandLineTests
{
    private static Command RootWith(params IExperiment[] experiments)
    {
        var root = new Command("overfit");
        ExperimentCommand.AddAll(root, experiments);
        return root;
    }

    [Theory]
    [InlineData("batchnorm", "--bogus")]
    [InlineData("batchnorm", "--budget", "enormous")]
    [InlineData("batchnorm", "--seed", "not-a-number")]
    [InlineData("no-such-command")]
    [InlineData("tour", "--budget", "tiny", "extra-argument")]
    public void WrongOptionsExitNonZeroWithAMessage(params string[] args)
    {
        var run = CliHarness.Run(args);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(args[^1], run.Stderr);
    }

    [Fact]
    public void HelpListsTheSharedOptions()
    {
        var run = CliHarness.Run("batchnorm", "--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--seed", "--out", "--json", "--budget", "--gamma" }) Assert.Contains(option, run.Stdout);
    }

    [Fact]
    public void ExperimentWritesFiguresMetricsAndAJsonSummary()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("run");
        var run = CliHarness.Run(RootWith(new FakeExperiment("fake")), "fake", "--out", outDir, "--budget", "tiny", "--seed", "7", "--json");

        Assert.Equal(0, run.ExitCode);
        using var summary = JsonDocument.Parse(run.Stdout);
        Assert.Equal("ok", summary.RootElement.GetProperty("status").GetString());
        Assert.Equal(Path.GetFullPath(outDir), summary.RootElement.GetProperty("run_dir").GetString());
        // Human output moves to standard error under --json, plain progress lines included.
        Assert.Contains("fake work: 5/5 (100%)", run.Stderr);
        Assert.Contains("fake table", run.Stderr);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal("fake", root.GetProperty("command").GetString());
        Assert.Equal(7, root.GetProperty("settings").GetProperty("seed").GetInt32());
        Assert.Equal("tiny", root.GetProperty("settings").GetProperty("budget").GetString());
        Assert.Equal(5, root.GetProperty("metrics").GetProperty("steps").GetInt32());
        Assert.Equal("a note for the report", root.GetProperty("notes")[0].GetString());
        Assert.Equal(5, root.GetProperty("tables")[0].GetProperty("rows").GetArrayLength());
        Assert.Equal("values.csv", root.GetProperty("files")[0].GetString());
        var csv = File.ReadAllLines(Path.Combine(outDir, "values.csv"));
        Assert.Equal("step,value", csv[0]);
        Assert.Equal(6, csv.Length);
        var figure = root.GetProperty("figures")[0];
        foreach (var key in new[] { "png", "svg" })
        {
            var file = new FileInfo(Path.Combine(outDir, figure.GetProperty(key).GetString()!));
            Assert.True(file.Exists && file.Length > 5_000, $"{key} figure should exist with real content, got {(file.Exists ? file.Length : -1)} bytes");
        }
    }

    [Fact]
    public void SameSeedGivesSameNumbersAndAnotherSeedDifferent()
    {
        using var folder = new TempFolder();
        double Sum(string seed, string name)
        {
            var run = CliHarness.Run(RootWith(new FakeExperiment("fake")), "fake", "--out", folder.Sub(name), "--budget", "tiny", "--seed", seed, "--json");
            using var doc = JsonDocument.Parse(run.Stdout);
            return doc.RootElement.GetProperty("metrics").GetProperty("sum").GetDouble();
        }
        Assert.Equal(Sum("3", "a"), Sum("3", "b"));
        Assert.NotEqual(Sum("3", "c"), Sum("4", "d"));
    }

    [Fact]
    public void FailureExitsNonZeroWithOneErrorLineAndRecordsIt()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("run");
        var run = CliHarness.Run(RootWith(new FakeExperiment("broken", failWith: "the data is missing")), "broken", "--out", outDir);

        Assert.Equal(1, run.ExitCode);
        var errorLines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("error: the data is missing second line", Assert.Single(errorLines).TrimEnd('\r'));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal("failed", metrics.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void OutPointingAtAFileIsAnError()
    {
        using var folder = new TempFolder();
        var file = folder.Sub("a-file");
        File.WriteAllText(file, "x");
        var run = CliHarness.Run(RootWith(new FakeExperiment("fake")), "fake", "--out", file);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: --out: expected a directory", run.Stderr);
    }

    [Fact]
    public void NamesWithASpaceBecomeSubcommands()
    {
        using var folder = new TempFolder();
        var root = RootWith(new FakeExperiment("gp one"), new FakeExperiment("gp two"));
        var gp = Assert.Single(root.Subcommands);
        Assert.Equal("gp", gp.Name);
        Assert.Equal(["one", "two"], gp.Subcommands.Select(c => c.Name));
        var run = CliHarness.Run(root, "gp", "two", "--out", folder.Sub("two"), "--budget", "tiny");
        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(folder.Sub("two"), "curve.png")));
    }

    [Fact]
    public void CsvQuotesCellsThatNeedIt()
    {
        var table = new ResultTable("t", "name", "value").AddRow("a,b", 0.5).AddRow("say \"hi\"", double.NaN);
        Assert.Equal("name,value\n\"a,b\",0.5\n\"say \"\"hi\"\"\",NaN\n", CsvWriter.ToCsv(table));
    }

    [Fact]
    public void DefaultRunDirectoryIsTimestampedAndUnique()
    {
        var when = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Assert.Equal(Path.Combine("runs", "20260102-030405-gp-bike-route"), RunDirectory.DefaultPath("gp bike-route", when));
        Assert.Equal("a-b_c", RunDirectory.Slug("a b_c"));
    }
}
