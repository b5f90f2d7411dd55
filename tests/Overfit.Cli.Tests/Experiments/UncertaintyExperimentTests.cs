using System.Globalization;
using System.Text;
using Overfit.Cli.Tests.Infrastructure;
using static Overfit.Cli.Tests.Experiments.ExperimentRunAssertions;

namespace Overfit.Cli.Tests.Experiments;

public class UncertaintyExperimentTests
{
    [Fact]
    public void TinyRun_ScoresDiabetes_AndEntropyRisesAwayFromTheTestImages()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("u");
        var metrics = SucceededWithMetrics(CliHarness.Run("uncertainty", "--budget", "tiny", "--out", outDir), outDir);
        FigureWritten(outDir, "uncertainty-regression");
        FigureWritten(outDir, "uncertainty-entropy");

        var regression = metrics.GetProperty("regression");
        Assert.Equal("diabetes", regression.GetProperty("data").GetString());
        Assert.Equal(3, regression.GetProperty("splits").GetInt32());
        // The diabetes targets have a standard deviation of 77.0: a fitted network predicts better than their mean.
        double rmse = regression.GetProperty("mc_rmse_mean").GetDouble();
        Assert.InRange(rmse, 40, 75);
        // A Gaussian with the RMSE as its standard deviation scores about −ln(rmse·sqrt(2πe)) ≈ −5.5 per point.
        Assert.InRange(regression.GetProperty("mc_test_ll_mean").GetDouble(), -7, -4.5);
        Assert.True(regression.GetProperty("mc_rmse_se").GetDouble() > 0);

        var classification = metrics.GetProperty("classification");
        var entropy = Values(classification.GetProperty("entropy_by_angle"));
        Assert.Equal(13, entropy.Length);
        Assert.All(entropy, h => Assert.InRange(h, 0, Math.Log(10) + 1e-9));
        // Rotated by 45° to 135° the images leave the training distribution: the mean entropy there exceeds the upright one.
        Assert.True(entropy[3..10].Average() > entropy[0], $"entropy by angle [{string.Join(", ", entropy)}]");
        var accuracy = Values(classification.GetProperty("accuracy_by_angle"));
        Assert.True(accuracy[0] > 0.5 && accuracy[6] < accuracy[0], $"accuracy by angle [{string.Join(", ", accuracy)}]");
    }

    [Fact]
    public void ACsvTable_IsReadWithItsTargetColumn()
    {
        using var folder = new TempFolder();
        var csv = folder.Sub("uci.csv");
        var text = new StringBuilder("a,b,target,c\n");
        var random = new Random(5);
        for (int i = 0; i < 60; i++)
        {
            double a = random.NextDouble(), b = random.NextDouble(), c = random.NextDouble();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{a},{b},{3 * a - 2 * b + 0.1 * random.NextDouble()},{c}"));
        }
        File.WriteAllText(csv, text.ToString());
        var outDir = folder.Sub("u");
        var metrics = SucceededWithMetrics(CliHarness.Run("uncertainty", "--part", "regression", "--csv", csv, "--target", "target",
            "--splits", "2", "--epochs", "3", "--samples", "5", "--tau", "1", "4", "--out", outDir), outDir);
        var regression = metrics.GetProperty("regression");
        Assert.Equal("uci", regression.GetProperty("data").GetString());
        Assert.Equal(3, regression.GetProperty("features").GetInt32());
        Assert.All(Values(regression.GetProperty("tau_chosen")), t => Assert.Contains(t, new[] { 1.0, 4.0 }));
        Assert.False(metrics.TryGetProperty("classification", out _));
    }

    [Theory]
    [InlineData("--samples", "1", "--samples: expected at least 2 stochastic passes (T), got 1")]
    [InlineData("--dropout", "0", "--dropout: expected a probability in (0, 1), got 0")]
    [InlineData("--part", "all", "--part: expected both, regression or classification, got 'all'")]
    public void BadOptions_FailWithTheOptionName(string option, string value, string message)
    {
        using var folder = new TempFolder();
        var run = CliHarness.Run("uncertainty", option, value, "--out", folder.Sub("u"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(folder.Sub("u")));
    }
}
