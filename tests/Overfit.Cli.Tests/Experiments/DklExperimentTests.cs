using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Experiments;

public class DklExperimentTests
{
    [Fact]
    public void JsonHoldsRmseNlpdAndCoverageOfBothModelsOnBothCurves_FigureAndHistoryAreWritten()
    {
        using var folder = new TempFolder();
        // --json prints the metrics.json document; its "metrics" hold {"sine":{"gp":{…},"dkl":{…}},"nonstationary":{…}}.
        var run = ChapterExperimentRun.Succeeding(folder.Sub("dkl"), "dkl", "--epochs", "15", "--json");
        using var printed = JsonDocument.Parse(run.Invocation.Stdout);
        var metrics = printed.RootElement.GetProperty("metrics");
        foreach (var data in new[] { "sine", "nonstationary" })
            foreach (var model in new[] { "gp", "dkl" })
            {
                var scores = metrics.GetProperty(data).GetProperty(model);
                foreach (var name in new[] { "rmse", "nlpd", "coverage95" })
                    Assert.True(double.IsFinite(scores.GetProperty(name).GetDouble()), $"{data}.{model}.{name}");
                Assert.InRange(scores.GetProperty("coverage95").GetDouble(), 0, 1);
            }
        run.AssertFigure("dkl-bands");
        var history = run.CsvRows("dkl-history.csv");
        Assert.Equal(["data", "epoch", "mll"], history[0]);
        Assert.Equal(2 * 15, history.Length - 1);
    }

    [Fact]
    public void RejectsZeroEpochs()
    {
        using var folder = new TempFolder();
        Assert.Contains("--epochs: expected a number of epochs >= 1, got 0", ChapterExperimentRun.Failing(folder.Sub("dkl"), "dkl", "--epochs", "0"));
    }
}
