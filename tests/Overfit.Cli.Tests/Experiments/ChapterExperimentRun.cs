using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Experiments;

/// <summary>One finished experiment command: its invocation and the metrics.json it wrote.</summary>
public sealed class ChapterExperimentRun
{
    private ChapterExperimentRun(CliInvocation invocation, string directory, JsonElement document)
    {
        Invocation = invocation;
        Directory = directory;
        Document = document;
    }

    public CliInvocation Invocation { get; }
    public string Directory { get; }
    public JsonElement Document { get; }
    public JsonElement Metrics => Document.GetProperty("metrics");

    /// <summary>Runs `overfit args... --out directory --budget tiny` and requires exit code 0 and a metrics.json.</summary>
    public static ChapterExperimentRun Succeeding(string directory, params string[] args)
    {
        var invocation = CliHarness.Run([.. args, "--out", directory, "--budget", "tiny"]);
        Assert.True(invocation.ExitCode == 0, $"exit code {invocation.ExitCode}: {invocation.Stderr}");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "metrics.json")));
        return new ChapterExperimentRun(invocation, directory, doc.RootElement.Clone());
    }

    /// <summary>Runs the command expecting failure; returns standard error.</summary>
    public static string Failing(string directory, params string[] args)
    {
        var invocation = CliHarness.Run([.. args, "--out", directory, "--budget", "tiny"]);
        Assert.NotEqual(0, invocation.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(invocation.Stderr), "a failing command must say why on standard error");
        return invocation.Stderr;
    }

    public double Number(string name) => Metrics.GetProperty(name).GetDouble();

    public double[] Numbers(string name) => Metrics.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public bool[] Flags(string name) => Metrics.GetProperty(name).EnumerateArray().Select(e => e.GetBoolean()).ToArray();

    public string[] Notes => Document.GetProperty("notes").EnumerateArray().Select(e => e.GetString() ?? "").ToArray();

    /// <summary>Asserts that name.png and name.svg exist with real content (a PNG header; an SVG document).</summary>
    public void AssertFigure(string name)
    {
        var png = File.ReadAllBytes(Path.Combine(Directory, name + ".png"));
        Assert.True(png.Length > 10_000, $"{name}.png: expected a rendered figure, got {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var svg = File.ReadAllText(Path.Combine(Directory, name + ".svg"));
        Assert.Contains("<svg", svg);
    }

    /// <summary>Rows of a CSV written by the run, split on commas (the experiments write no quoted cells).</summary>
    public string[][] CsvRows(string fileName) =>
        File.ReadAllLines(Path.Combine(Directory, fileName)).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();

    public static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (tolerance {tolerance})");
}
