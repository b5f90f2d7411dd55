using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;
using static Overfit.Cli.Tests.Experiments.ExperimentRunAssertions;

namespace Overfit.Cli.Tests.Experiments;

public class DropoutExperimentTests
{
    [Fact]
    public void TrainsBothModelsWithEarlyStoppingAndWritesCurvesAndFigure()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("dropout");
        const int maxEpochs = 6, patience = 2;
        var metrics = SucceededWithMetrics(CliHarness.Run("dropout", "--out", outDir, "--epochs", $"{maxEpochs}", "--patience", $"{patience}"), outDir);
        FigureWritten(outDir, "dropout");

        var plain = metrics.GetProperty("without_dropout");
        var dropout = metrics.GetProperty("with_dropout");
        foreach (var (name, run) in new[] { ("without", plain), ("with", dropout) })
        {
            int epochsRun = run.GetProperty("epochs_run").GetInt32();
            int best = run.GetProperty("best_epoch").GetInt32();
            Assert.InRange(epochsRun, patience + 1, maxEpochs);
            Assert.InRange(best, 1, epochsRun);
            // Early stopping ends the run exactly `patience` epochs after the best one; otherwise all epochs run.
            if (run.GetProperty("stopped_early").GetBoolean()) Assert.Equal(best + patience, epochsRun);
            else Assert.Equal(maxEpochs, epochsRun);
            foreach (var key in new[] { "train_accuracy", "validation_accuracy" })
            {
                var curve = Values(run.GetProperty(key));
                Assert.Equal(epochsRun, curve.Length);
                foreach (var a in curve) InUnitInterval(a, $"{name} dropout {key}");
            }
            Assert.Equal(epochsRun, Values(run.GetProperty("train_loss")).Length);
            // The overfitting diagnosis needs one strip of 5 epochs; shorter runs report none.
            var diagnosis = run.GetProperty("diagnosis");
            if (epochsRun < 5) Assert.Equal(JsonValueKind.Null, diagnosis.ValueKind);
            else Assert.InRange(diagnosis.GetProperty("best_epoch").GetInt32(), 1, epochsRun);
            InUnitInterval(run.GetProperty("final_validation_accuracy").GetDouble(), $"{name} dropout final validation accuracy");
            // The synthetic problem is learnable: after the best epoch is restored both models beat chance.
            Assert.True(run.GetProperty("final_validation_accuracy").GetDouble() > 0.55, $"{name} dropout: validation accuracy at chance level");
        }
        // Dropout slows down fitting the training set: after the same number of epochs the plain model's
        // training accuracy is at least the dropout model's.
        var plainTrain = Values(plain.GetProperty("train_accuracy"));
        var dropoutTrain = Values(dropout.GetProperty("train_accuracy"));
        int epoch = Math.Min(plainTrain.Length, dropoutTrain.Length) - 1;
        Assert.True(plainTrain[epoch] >= dropoutTrain[epoch], $"epoch {epoch + 1}: train accuracy without dropout {plainTrain[epoch]} < with dropout {dropoutTrain[epoch]}");
    }

    [Fact]
    public void ADropoutRateOutsideZeroToOneFailsWithTheOptionName()
    {
        using var folder = new TempFolder();
        var run = CliHarness.Run("dropout", "--out", folder.Sub("d"), "--rate", "1.5", "--epochs", "1");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--rate: expected a probability in [0, 1), got 1.5", run.Stderr);
    }
}
