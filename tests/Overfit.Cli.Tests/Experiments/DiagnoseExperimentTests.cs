using System.Text.Json;
using Overfit.Cli.Infrastructure;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.NN;
using static Overfit.Cli.Tests.Experiments.ExperimentRunAssertions;

namespace Overfit.Cli.Tests.Experiments;

public class DiagnoseExperimentTests
{
    // Validation loss lowest at epoch 7 (0.47), then rising; worked out by hand in OverfittingCriteriaTests:
    // GL5 fires at epoch 9, PQ3 never, UP2 at epoch 15.
    private const string OverfittingCsv = """
        epoch,train_loss,val_loss,train_acc,val_acc
        1,1.00,1.00,0.50,0.50
        2,0.78,0.80,0.60,0.58
        3,0.62,0.65,0.70,0.66
        4,0.50,0.55,0.75,0.70
        5,0.42,0.50,0.80,0.72
        6,0.36,0.48,0.84,0.73
        7,0.31,0.47,0.87,0.74
        8,0.27,0.49,0.90,0.74
        9,0.24,0.52,0.92,0.73
        10,0.21,0.55,0.94,0.73
        11,0.19,0.58,0.95,0.72
        12,0.17,0.61,0.96,0.72
        13,0.15,0.64,0.97,0.71
        14,0.13,0.67,0.98,0.71
        15,0.12,0.70,0.99,0.70
        """;

    private static string FixturePath => Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "diagnose", "dropout_full_seed42.json");

    [Fact]
    public void Json_OfAConstructedHistory_IsTheKnownAnswer()
    {
        using var folder = new TempFolder();
        var csv = folder.Sub("history.csv");
        File.WriteAllText(csv, OverfittingCsv);
        var run = CliHarness.Run("diagnose", "--history", csv, "--json", "--out", folder.Sub("d"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("overfits").GetBoolean());
        Assert.Equal(9, root.GetProperty("onset_epoch").GetInt32());
        Assert.Equal(7, root.GetProperty("best_epoch").GetInt32());
        var criteria = root.GetProperty("criteria");
        Assert.Equal(9, criteria.GetProperty("GL").GetProperty("stop_epoch").GetInt32());
        Assert.Equal(JsonValueKind.Null, criteria.GetProperty("PQ").GetProperty("stop_epoch").ValueKind);
        Assert.Equal(15, criteria.GetProperty("UP").GetProperty("stop_epoch").GetInt32());
        Assert.Equal(["best_epoch", "criteria", "onset_epoch", "overfits"], root.EnumerateObject().Select(p => p.Name).Order().ToArray());
        FigureWritten(folder.Sub("d"), "diagnose");
    }

    [Fact]
    public void RealDropoutHistories_WithoutDropoutOverfits_WithDropoutDoesNot()
    {
        var histories = HistoryFile.Read(FixturePath);
        Assert.Equal(["without_dropout", "with_dropout"], histories.Select(h => h.Name).ToArray());
        var without = OverfittingReport.Analyze(histories[0].History);
        var with = OverfittingReport.Analyze(histories[1].History);
        Assert.True(without.Overfits, without.Describe());
        Assert.Equal(6, without.BestEpoch);
        Assert.InRange(without.OnsetEpoch!.Value, 7, 15);
        Assert.True(without.SustainedGeneralizationLoss > 50, without.Describe());
        Assert.False(with.Overfits, with.Describe());
        Assert.Equal(79, with.BestEpoch);
        Assert.True(with.SustainedGeneralizationLoss < without.SustainedGeneralizationLoss / 10);

        // The same through the command, reading the fixture as a metrics.json: one object per run.
        using var folder = new TempFolder();
        var run = CliHarness.Run("diagnose", "--history", FixturePath, "--json", "--out", folder.Sub("d"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.True(doc.RootElement.GetProperty("without_dropout").GetProperty("overfits").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("with_dropout").GetProperty("overfits").GetBoolean());
    }

    [Fact]
    public void WithoutAHistory_ItRecordsTheDropoutNetworks()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("d");
        var metrics = SucceededWithMetrics(CliHarness.Run("diagnose", "--budget", "tiny", "--out", outDir), outDir);
        var histories = metrics.GetProperty("histories");
        foreach (var name in new[] { "without_dropout", "with_dropout" })
        {
            var h = histories.GetProperty(name);
            Assert.Equal(6, h.GetProperty("epochs").GetInt32());
            Assert.InRange(h.GetProperty("best_epoch").GetInt32(), 1, 6);
            Assert.Contains("overfit", h.GetProperty("verdict").GetString());
        }
        FigureWritten(outDir, "diagnose");
    }

    [Theory]
    [InlineData("epoch,train_loss,val_loss\n1,0.5,0.6\n2,0.4,NaN\n3,0.3,0.5\n4,0.2,0.5\n5,0.1,0.5\n", "validation loss at epoch 2 is NaN")]
    [InlineData("epoch,train_loss,val_loss\n1,0.5,0.6\n2,0.4,0.5\n3,0.3,0.5\n", "at least 5 epochs")]
    [InlineData("epoch,loss\n1,0.5\n", "missing train_loss, val_loss")]
    [InlineData("epoch,train_loss,val_loss\n1,0.5,abc\n", "column 'val_loss' expected a number, got 'abc'")]
    public void BadHistories_FailWithOneLine_AndValidJson(string csv, string message)
    {
        using var folder = new TempFolder();
        var path = folder.Sub("bad.csv");
        File.WriteAllText(path, csv);
        var run = CliHarness.Run("diagnose", "--history", path, "--json", "--out", folder.Sub("d"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void JsonHistories_KerasStyleAndNaN_AreRead()
    {
        var keras = HistoryFile.ParseJson("""{"loss":[1,0.8,0.6,0.5,0.45],"val_loss":[1.1,0.9,0.8,0.75,0.7],"val_accuracy":[0.5,0.6,0.7,0.72,0.74]}""", "keras.json");
        Assert.Equal("keras", keras.Single().Name);
        Assert.Equal([0.5, 0.6, 0.7, 0.72, 0.74], keras.Single().History.ValidationAccuracy!);
        // metrics.json writes NaN as a string; the history then names the epoch.
        var e = Assert.Throws<ArgumentException>(() => HistoryFile.ParseJson("""{"metrics":{"run":{"train_loss":[1,"NaN"],"validation_loss":[1,1]}}}""", "m.json"));
        Assert.Contains("training loss at epoch 2 is NaN", e.Message);
        Assert.Throws<FormatException>(() => HistoryFile.ParseJson("""{"metrics":{"accuracy":0.9}}""", "m.json"));
    }

    [Fact]
    public void AMissingFile_IsNamed()
    {
        using var folder = new TempFolder();
        var run = CliHarness.Run("diagnose", "--history", folder.Sub("none.csv"), "--out", folder.Sub("d"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("none.csv", run.Stderr);
    }
}
