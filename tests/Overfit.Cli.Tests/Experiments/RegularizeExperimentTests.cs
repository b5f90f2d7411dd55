using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;
using static Overfit.Cli.Tests.Experiments.ExperimentRunAssertions;

namespace Overfit.Cli.Tests.Experiments;

public class RegularizeExperimentTests
{
    private static readonly string[] VariantKeys = ["none", "l1", "l2", "elasticnet", "sgd_weight_decay", "adam_weight_decay", "adamw"];

    [Fact]
    public void PenaltiesAndWeightDecayShapeTheWeightsAsExpected()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("reg");
        var metrics = SucceededWithMetrics(CliHarness.Run("regularize", "--out", outDir, "--budget", "tiny"), outDir);
        FigureWritten(outDir, "regularize");
        FigureWritten(outDir, "regularize-weights");

        foreach (var key in VariantKeys)
        {
            var v = metrics.GetProperty(key);
            InUnitInterval(v.GetProperty("sparsity").GetDouble(), $"{key} sparsity");
            InUnitInterval(v.GetProperty("train_accuracy").GetDouble(), $"{key} train accuracy");
            InUnitInterval(v.GetProperty("test_accuracy").GetDouble(), $"{key} test accuracy");
            Assert.True(v.GetProperty("weight_l2_norm").GetDouble() > 0, $"{key}: weight norm must be positive");
        }
        double Get(string key, string name) => metrics.GetProperty(key).GetProperty(name).GetDouble();
        // L1 drives many weights to (nearly) zero; without a penalty almost none are that small.
        Assert.True(Get("l1", "sparsity") > Get("none", "sparsity") + 0.1, $"L1 sparsity {Get("l1", "sparsity")} vs none {Get("none", "sparsity")}");
        Assert.True(Get("elasticnet", "sparsity") > Get("none", "sparsity") + 0.1, "elastic net should be sparser than no penalty");
        // Every penalty and decoupled weight decay shrink the weights compared with the same Adam run without them.
        Assert.True(Get("l1", "weight_l2_norm") < Get("none", "weight_l2_norm"));
        Assert.True(Get("l2", "weight_l2_norm") < Get("none", "weight_l2_norm"));
        Assert.True(Get("adam_weight_decay", "weight_l2_norm") < Get("none", "weight_l2_norm"));
        Assert.True(Get("adamw", "weight_l2_norm") < Get("none", "weight_l2_norm"), $"AdamW norm {Get("adamw", "weight_l2_norm")} vs Adam {Get("none", "weight_l2_norm")}");
    }

    [Fact]
    public void ZeroEpochsFailsWithTheOptionName()
    {
        using var folder = new TempFolder();
        var run = CliHarness.Run("regularize", "--out", folder.Sub("r"), "--epochs", "0");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--epochs: expected at least 1, got 0", run.Stderr);
    }
}
