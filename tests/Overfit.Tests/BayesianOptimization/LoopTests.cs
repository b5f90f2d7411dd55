using Overfit.BayesianOptimization;
using Overfit.GaussianProcesses;

namespace Overfit.Tests.BayesianOptimization;

public class LoopTests
{
    private static double Peak(IReadOnlyDictionary<string, double> p) => -Math.Pow(p["x"] - 2, 2) - Math.Pow(p["y"] - 1, 2) + 1;

    private static readonly Dictionary<string, (double, double)> PBounds = new() { ["x"] = (2, 4), ["y"] = (-3, 3) };

    [Fact]
    public void BayesOptFindsTheChapterPeak()
    {
        var log = new StringWriter();
        var bo = new BayesOptLoop(Peak, PBounds, randomState: 1, log: log) { WarmupPoints = 2000 };
        bo.Maximize(initPoints: 2, nIter: 8);
        Assert.Equal(10, bo.Res.Count);
        var max = bo.Max!.Value;
        Assert.True(max.Target > 0.5, $"best target {max.Target}");
        Assert.Equal(["x", "y"], bo.Keys);
        Assert.Equal(max.Target, Peak(max.Params), 12);
        Assert.Equal(10, log.ToString().Split('\n').Count(l => l.StartsWith('|')));
        // best-so-far column never decreases
        for (int i = 1; i < bo.Res.Count; i++) Assert.True(bo.Res[i].BestSoFar >= bo.Res[i - 1].BestSoFar);
    }

    [Fact]
    public void BayesOptFitsScikitLearnsRegressorLikeBayesOpt()
    {
        // bayes_opt's surrogate on Branin at 12 fixed points; scikit-learn 1.2.1's values from
        // tests/fixtures/reference/bo/bo_bayesopt_surrogate.py.
        double[] x = [-5, 0, 10, 15, 2.5, 7.5, -1.25, 11.25, 6.25, 3.75, 0.625, 1.875, 8.125, 9.375, -3.125, 5.625, 4.375, 13.125, 3, 2, 9.5, 2.5, -3, 12];
        var branin = new Branin();
        var y = Enumerable.Range(0, 12).Select(i => -branin.Evaluate([x[2 * i], x[2 * i + 1]])).ToArray();
        var model = BayesOptProposal.FitModel(x, y, 2, seed: 3);
        Assert.Equal(-14.83000137310231, model.LogMarginalLikelihoodValue, 1e-7);
        Assert.Equal(5.221194131476695, Math.Exp(model.FittedKernel!.Theta[0]), 1e-4);
        var (mean, std) = model.Predict(new double[,] { { 3.14, 2.27 }, { 0, 5 }, { 7, 12 } });
        double[] expectedMean = [-0.1658816537856751, -3.830733941149468, -124.80510020312408];
        double[] expectedStd = [4.4021511865950576, 30.008737223099892, 28.482867724386857];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expectedMean[i], mean[i], 1e-4 * Math.Max(1, Math.Abs(expectedMean[i])));
            Assert.Equal(expectedStd[i], std[i], 1e-4 * expectedStd[i]);
        }
    }

    [Fact]
    public void BayesOptWithExpectedImprovement()
    {
        var bo = new BayesOptLoop(Peak, PBounds, randomState: 2)
        { Acquisition = BayesOptAcquisition.ExpectedImprovement, WarmupPoints = 2000 };
        bo.Maximize(3, 6);
        Assert.True(bo.Max!.Value.Target > 0.5);
    }

    [Fact]
    public void NaNAndThrowingObjectivesAreRecordedAndTheLoopContinues()
    {
        int calls = 0;
        double Flaky(IReadOnlyDictionary<string, double> p)
        {
            calls++;
            if (calls == 2) return double.NaN;
            if (calls == 4) throw new InvalidOperationException("simulated crash");
            return Peak(p);
        }
        var log = new StringWriter();
        var bo = new BayesOptLoop(Flaky, PBounds, randomState: 3, log: log) { WarmupPoints = 500 };
        bo.Maximize(3, 4);
        Assert.Equal(7, bo.Res.Count);
        Assert.Equal(EvaluationStatus.Invalid, bo.Res[1].Status);
        Assert.Equal(EvaluationStatus.Failed, bo.Res[3].Status);
        Assert.Contains("simulated crash", bo.Res[3].Error);
        Assert.Equal(2, bo.Warnings.Count);
        Assert.Contains("warning", log.ToString());
        Assert.True(double.IsFinite(bo.Max!.Value.Target));
    }

    [Fact]
    public void BadBoundsThrowNamingTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BayesOptLoop(Peak,
            new Dictionary<string, (double, double)> { ["x"] = (1, 1) }));
        Assert.Equal("pbounds", ex.ParamName);
        Assert.Contains("'x'", ex.Message);
    }

    [Fact]
    public void BoTorchLoopConvergesOnBranin()
    {
        var f = new Branin();
        var log = new StringWriter();
        var loop = new BoTorchLoop(x => -f.Evaluate(x), f.Bounds, new BoTorchLoopOptions { Seed = 0 }, log).Run(30);
        Assert.Equal(30, loop.History.Count);
        Assert.True(-loop.Best!.Target - f.OptimalValue < 0.05, $"regret {-loop.Best.Target - f.OptimalValue}");
        Assert.Equal(30 - 6, loop.IterationSeconds.Count);
        Assert.Equal(30, log.ToString().Split('\n').Count(l => l.StartsWith('|')));
    }

    [Fact]
    public void BoTorchLoopSkipsFailedEvaluations()
    {
        int calls = 0;
        var loop = new BoTorchLoop(x =>
        {
            calls++;
            if (calls == 3) throw new ArithmeticException("boom");
            return calls == 5 ? double.PositiveInfinity : -(x[0] - 0.3) * (x[0] - 0.3);
        }, Bounds.UnitCube(1), new BoTorchLoopOptions { InitialPoints = 4, NumRestarts = 2, RawSamples = 32 }).Run(8);
        Assert.Equal(8, loop.History.Count);
        Assert.Equal(EvaluationStatus.Failed, loop.History[2].Status);
        Assert.Equal(EvaluationStatus.Invalid, loop.History[4].Status);
        Assert.Equal(2, loop.Warnings.Count);
        Assert.True(loop.Best!.Target > -0.01);
    }
}
