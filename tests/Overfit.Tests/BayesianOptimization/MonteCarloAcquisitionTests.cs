using Overfit.BayesianOptimization;

namespace Overfit.Tests.BayesianOptimization;

public class MonteCarloAcquisitionTests
{
    private static readonly double[] Baseline = BoTestHelpers.SmallData().X;

    private static AcquisitionFunction[] All(SingleTaskGP model) =>
    [
        new QExpectedImprovement(model, 1.6, numSamples: 256, seed: 1),
        new QUpperConfidenceBound(model, 2.0, numSamples: 256, seed: 1),
        new QNoisyExpectedImprovement(model, Baseline, numSamples: 256, seed: 1),
        new QLogNoisyExpectedImprovement(model, Baseline, numSamples: 256, seed: 1),
    ];

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var model = BoTestHelpers.FittedModel();
        double[] batch = [0.33, 0.61, 0.62, 0.48];
        foreach (var acq in All(model))
        {
            var g = new double[4];
            acq.EvaluateWithGradient(batch, 2, g);
            Assert.Contains(g, v => v != 0);
            BoTestHelpers.CheckGradient(p => acq.Evaluate(p, 2), batch, g, eps: 1e-6, atol: 1e-5, rtol: 1e-3);
        }
    }

    [Fact]
    public void QEIWithOnePointApproachesAnalyticEI()
    {
        var model = BoTestHelpers.FittedModel();
        double[] x = [0.45, 0.55];
        double analytic = new ExpectedImprovement(model, 1.6).Evaluate(x);
        double mc = new QExpectedImprovement(model, 1.6, numSamples: 4096, seed: 3).Evaluate(x);
        Assert.Equal(analytic, mc, 0.02 * analytic + 1e-4);
        double ucb = new UpperConfidenceBound(model, 2.0).Evaluate(x);
        Assert.Equal(ucb, new QUpperConfidenceBound(model, 2.0, numSamples: 4096, seed: 3).Evaluate(x), 0.01 * Math.Abs(ucb));
    }

    [Fact]
    public void LogNoisyEIIsCloseToLogOfNoisyEI()
    {
        var model = BoTestHelpers.FittedModel();
        double[] x = [0.45, 0.55];
        double nei = new QNoisyExpectedImprovement(model, Baseline, numSamples: 1024, seed: 2).Evaluate(x);
        double logNei = new QLogNoisyExpectedImprovement(model, Baseline, numSamples: 1024, seed: 2).Evaluate(x);
        Assert.True(nei > 0);
        Assert.Equal(Math.Log(nei), logNei, 0.3); // smoothing of the incumbent (tau 1e-2) shifts it slightly
    }

    [Fact]
    public void JointBatchBeatsDuplicatedPoint()
    {
        var model = BoTestHelpers.FittedModel();
        var acq = new QExpectedImprovement(model, 1.6, seed: 5);
        double same = acq.Evaluate([0.5, 0.5, 0.5, 0.5], 2);
        double single = acq.Evaluate([0.5, 0.5], 1);
        Assert.Equal(single, same, 4); // a duplicated point adds nothing (up to the jitter its singular joint covariance needs)
        Assert.True(acq.Evaluate([0.5, 0.5, 0.05, 0.95], 2) >= single);
    }

    [Fact]
    public void CholeskyBackwardMatchesFiniteDifferences()
    {
        // L(A) for a 3×3 SPD A; objective sum(W ∘ L) with a fixed W.
        double[] a = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2];
        double[] w = [0.3, 0, 0, -1.2, 0.7, 0, 0.4, 2.0, -0.5];
        double Objective(double[] m)
        {
            var l = (double[])m.Clone();
            Overfit.Tensors.Kernels.DenseLinalg.Cholesky(l, 3);
            return l.Zip(w, (p, q) => p * q).Sum();
        }
        var lf = (double[])a.Clone();
        Overfit.Tensors.Kernels.DenseLinalg.Cholesky(lf, 3);
        var g = MonteCarloAcquisition.CholeskyBackward(lf, w, 3);
        // perturb symmetric pairs together: d/dA_ij of the symmetric matrix = g_ij + g_ji (i != j)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j <= i; j++)
            {
                var p = (double[])a.Clone(); var m = (double[])a.Clone();
                double eps = 1e-6;
                p[i * 3 + j] += eps; m[i * 3 + j] -= eps;
                if (i != j) { p[j * 3 + i] += eps; m[j * 3 + i] -= eps; }
                double numeric = (Objective(p) - Objective(m)) / (2 * eps);
                double analytic = i == j ? g[i * 3 + i] : g[i * 3 + j] + g[j * 3 + i];
                Assert.Equal(numeric, analytic, 1e-6);
            }
    }

    [Fact]
    public void NoisyEIHandlesMoreBaselinePointsThanSobolDimensions()
    {
        var rng = new Overfit.Tensors.Generator(4);
        var bigX = Enumerable.Range(0, 80).Select(_ => rng.NextDouble()).ToArray();
        var bigY = Enumerable.Range(0, 40).Select(i => Math.Sin(3 * bigX[2 * i]) + Math.Cos(2 * bigX[2 * i + 1])).ToArray();
        var model = SingleTaskGP.Fit(bigX, bigY, new SingleTaskGPOptions { InputBounds = Bounds.UnitCube(2) });
        var acq = new QLogNoisyExpectedImprovement(model, bigX, numSamples: 64);
        var g = new double[2];
        double value = acq.EvaluateWithGradient([0.4, 0.6], 1, g);
        Assert.True(double.IsFinite(value));
        BoTestHelpers.CheckGradient(p => acq.Evaluate(p), [0.4, 0.6], g, atol: 1e-5, rtol: 1e-3);
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        var model = BoTestHelpers.FittedModel();
        Assert.Equal("baseline", Assert.Throws<ArgumentException>(() => new QNoisyExpectedImprovement(model, [0.1, 0.2, 0.3])).ParamName);
        Assert.Equal("numSamples", Assert.Throws<ArgumentOutOfRangeException>(() => new QExpectedImprovement(model, 0, numSamples: 0)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => new QExpectedImprovement(model, 0).Evaluate([0.1, 0.2, 0.3], 2)).ParamName);
    }
}
