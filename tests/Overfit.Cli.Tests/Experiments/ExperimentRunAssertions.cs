using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Experiments;

/// <summary>Shared checks of a finished experiment run: exit code, figures and the metrics of metrics.json.</summary>
internal static class ExperimentRunAssertions
{
    public static JsonElement SucceededWithMetrics(CliInvocation run, string outDir)
    {
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}: {run.Stderr}");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        return doc.RootElement.GetProperty("metrics").Clone();
    }

    public static void FigureWritten(string outDir, string name)
    {
        Assert.True(new FileInfo(Path.Combine(outDir, name + ".png")).Length > 10_000, $"{name}.png missing or too small");
        Assert.True(new FileInfo(Path.Combine(outDir, name + ".svg")).Length > 10_000, $"{name}.svg missing or too small");
    }

    public static double[] Values(JsonElement element) => element.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static void InUnitInterval(double value, string what) =>
        Assert.True(value is >= 0 and <= 1, $"{what}: expected a value in [0, 1], got {value}");
}
