using Overfit.BayesianOptimization;

namespace Overfit.Tests.BayesianOptimization;

// Reference values: tests/fixtures/reference/bo/bo_acquisition_reference.py (scipy 1.10, mpmath at 50 digits).
public class AnalyticAcquisitionTests
{
    private static readonly ClosedFormModel Model = new();

    [Fact]
    public void ExpectedImprovementMatchesReference()
    {
        // mean -0.5, variance 1, best_f 0 (x = 0 in the closed-form model)
        Assert.Equal(0.19779655740130603, new ExpectedImprovement(Model, 0.0).Evaluate([0.0]), 12);
        Assert.Equal(0.19780, new ExpectedImprovement(Model, 0.0).Evaluate([0.0]), 5);
        Assert.Equal(Math.Log(0.19779655740130603), new LogExpectedImprovement(Model, 0.0).Evaluate([0.0]), 12);
    }

    [Theory]
    [InlineData(2.0, 0.69738354578822831)]
    [InlineData(0.0, -0.91893853320467274)]
    [InlineData(-0.5, -1.6205162643873199)]
    [InlineData(-3.0, -7.8696860596030285)]
    [InlineData(-12.0, -77.909100545007348)]
    [InlineData(-40.0, -808.29856835661996)]
    [InlineData(-1000.0, -500014.73445209116)]
    public void LogExpectedImprovementCoreMatchesHighPrecision(double z, double expected)
        => Assert.Equal(expected, NormalMath.LogExpectedImprovementCore(z), 1e-10 * Math.Max(1, Math.Abs(expected)));

    [Fact]
    public void LogEIStaysFiniteWithGradientWhereEIUnderflows()
    {
        // best_f chosen so that z = (mean - best)/sigma = -40 at x = 0 (mean -0.5, sigma 1).
        double best = 39.5;
        var ei = new ExpectedImprovement(Model, best);
        var logEi = new LogExpectedImprovement(Model, best);
        var gEi = new double[1];
        var gLog = new double[1];
        Assert.Equal(0.0, ei.EvaluateWithGradient([0.0], 1, gEi));
        Assert.Equal(0.0, gEi[0]);
        double value = logEi.EvaluateWithGradient([0.0], 1, gLog);
        Assert.Equal(-808.29856835661996, value, 1e-8);
        Assert.True(gLog[0] > 30, $"expected a strong positive gradient towards the incumbent, got {gLog[0]}");
        BoTestHelpers.CheckGradient(p => logEi.Evaluate(p), [0.0], gLog);
        BoTestHelpers.CheckGradient(p => logEi.Evaluate(p), [0.7], [GradientAt(logEi, 0.7)]);
    }

    [Fact]
    public void ProbabilityAndBoundsMatchReference()
    {
        // mean 1.3, variance 0.25 are x = 1.8 in a model shifted... use the closed forms directly through x:
        // x = 1.8 gives mean 1.3 and variance 4.24; check the formulas against scipy-style computations here.
        double mean = 1.3, sigma = Math.Sqrt(1 + 1.8 * 1.8);
        double z = (mean - 0.4) / sigma;
        Assert.Equal(NormalMath.Cdf(z), new ProbabilityOfImprovement(Model, 0.4).Evaluate([1.8]), 14);
        Assert.Equal(Math.Log(NormalMath.Cdf(z)), new LogProbabilityOfImprovement(Model, 0.4).Evaluate([1.8]), 12);
        Assert.Equal(mean + 2 * sigma, new UpperConfidenceBound(Model, 4.0).Evaluate([1.8]), 12);
        Assert.Equal(mean, new PosteriorMean(Model).Evaluate([1.8]), 14);
        Assert.Equal(-mean + 2 * sigma, new UpperConfidenceBound(Model, 4.0, maximize: false).Evaluate([1.8]), 12);
        // scipy: PI(mean 1.3, var 0.25, best 0.4) and EI at the same moments
        Assert.Equal(0.9640696808870742, NormalMath.Cdf(0.9 / 0.5), 14);
        Assert.Equal(0.9071377919488139, 0.5 * NormalMath.ExpectedImprovementCore(0.9 / 0.5), 14);
    }

    [Theory]
    [InlineData(0.8, 0.48910058922311495)]
    [InlineData(3.0, 0.17900115118138998)]
    [InlineData(24.0, 0.023487546063682644)]
    [InlineData(30.0, 0.018795888861416754)]
    [InlineData(1e4, 5.641895807268084e-05)]
    public void ErfcxMatchesScipy(double x, double expected) => Assert.Equal(expected, NormalMath.Erfcx(x), 1e-13 * expected);

    [Fact]
    public void LogCdfIsFiniteInTheTail()
    {
        Assert.Equal(-6.60772622151035, NormalMath.LogCdf(-3.0), 1e-12);
        Assert.Equal(-804.6084420137539, NormalMath.LogCdf(-40.0), 1e-9);
    }

    [Fact]
    public void EveryAnalyticGradientMatchesFiniteDifferencesOnAFittedGP()
    {
        var model = BoTestHelpers.FittedModel();
        double best = 1.9;
        AcquisitionFunction[] acquisitions =
        [
            new ExpectedImprovement(model, best), new LogExpectedImprovement(model, best), new ProbabilityOfImprovement(model, best),
            new LogProbabilityOfImprovement(model, best), new UpperConfidenceBound(model, 2.0), new PosteriorMean(model),
            new LogExpectedImprovement(model, 6.0), new ExpectedImprovement(model, best, maximize: false),
        ];
        foreach (var acq in acquisitions)
            foreach (var x in new[] { new[] { 0.33, 0.61 }, new[] { 0.9, 0.12 }, new[] { 0.5, 0.5 } })
            {
                var g = new double[2];
                acq.EvaluateWithGradient(x, 1, g);
                BoTestHelpers.CheckGradient(p => acq.Evaluate(p), x, g);
            }
    }

    [Fact]
    public void BatchEvaluationAgreesWithSinglePoints()
    {
        var model = BoTestHelpers.FittedModel();
        var acq = new LogExpectedImprovement(model, 1.5);
        double[] xs = [0.1, 0.1, 0.5, 0.9, 0.33, 0.44];
        var values = new double[3];
        acq.EvaluateMany(xs, 3, 1, values);
        for (int i = 0; i < 3; i++) Assert.Equal(acq.Evaluate(xs.AsSpan(2 * i, 2)), values[i], 10);
    }

    [Fact]
    public void AnalyticAcquisitionRejectsBatches()
    {
        var acq = new ExpectedImprovement(Model, 0);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => acq.Evaluate([0.0, 1.0], 2));
        Assert.Equal("q", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpperConfidenceBound(Model, -1));
    }

    private static double GradientAt(AcquisitionFunction acq, double x)
    {
        var g = new double[1];
        acq.EvaluateWithGradient([x], 1, g);
        return g[0];
    }
}
