using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;
using static Overfit.Cli.Tests.Experiments.ExperimentRunAssertions;

namespace Overfit.Cli.Tests.Experiments;

public class BayesOptExperimentTests
{
    private const double BraninOptimum = 0.39788735772973816;

    private static void CheckCurves(JsonElement method, int evaluations, int seeds)
    {
        var runs = method.GetProperty("best_so_far").EnumerateArray().Select(Values).ToArray();
        Assert.Equal(seeds, runs.Length);
        foreach (var curve in runs)
        {
            Assert.Equal(evaluations, curve.Length);
            for (int i = 1; i < curve.Length; i++)
                Assert.True(curve[i] <= curve[i - 1], $"best so far rose at evaluation {i + 1}: {curve[i - 1]} -> {curve[i]}");
            // Nothing can beat the known global minimum.
            Assert.True(curve[^1] >= BraninOptimum - 1e-9, $"best value {curve[^1]} below the known optimum");
        }
        foreach (var regret in Values(method.GetProperty("final_regrets"))) Assert.True(regret >= -1e-9, $"negative regret {regret}");
    }

    [Fact]
    public void BoTorchBeatsRandomSearchOnBraninWithAFixedSeed()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("bo");
        var metrics = SucceededWithMetrics(CliHarness.Run("bo", "--func", "branin", "--method", "botorch", "--evals", "15", "--seeds", "2", "--out", outDir, "--seed", "42"), outDir);
        FigureWritten(outDir, "bo");
        var botorch = metrics.GetProperty("botorch");
        var random = metrics.GetProperty("random_search");
        CheckCurves(botorch, 15, 2);
        CheckCurves(random, 15, 2);
        Assert.Equal(BraninOptimum, metrics.GetProperty("optimum").GetDouble(), 12);
        double bo = botorch.GetProperty("final_regret_median").GetDouble();
        double rs = random.GetProperty("final_regret_median").GetDouble();
        Assert.True(bo < rs, $"median final regret: botorch {bo}, random search {rs}");
    }

    [Fact]
    public void TheBayesOptLoopRunsAndReportsItsCurve()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("bo");
        var metrics = SucceededWithMetrics(CliHarness.Run("bo", "--method", "bayes-opt", "--evals", "8", "--seeds", "1", "--out", outDir), outDir);
        CheckCurves(metrics.GetProperty("bayes_opt"), 8, 1);
        CheckCurves(metrics.GetProperty("random_search"), 8, 1);
    }

    [Fact]
    public void AnUnknownFunctionFailsWithAMessage()
    {
        using var folder = new TempFolder();
        var run = CliHarness.Run("bo", "--func", "nosuch", "--out", folder.Sub("bo"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("unknown test function 'nosuch'", run.Stderr);
    }

    [Fact]
    public void AnUnknownMethodIsRejectedByTheParser()
    {
        using var folder = new TempFolder();
        var run = CliHarness.Run("bo", "--method", "grid", "--out", folder.Sub("bo"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("grid", run.Stderr);
        Assert.False(Directory.Exists(folder.Sub("bo")), "a rejected command line must not start a run");
    }
}
