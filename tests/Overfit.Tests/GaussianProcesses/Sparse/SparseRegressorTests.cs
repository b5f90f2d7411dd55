using Overfit.GaussianProcesses;
using Overfit.Tensors;

namespace Overfit.Tests.GaussianProcesses.Sparse;

/// <summary>
/// SGPR against the exact GP: with Z = X the Titsias bound is the exact log marginal likelihood (Q = K, tr(K − Q) = 0,
/// a closed-form identity) and the predictions are the exact ones; for nested inducing sets the bound grows toward it.
/// </summary>
public class SparseRegressorTests
{
    internal static (double[,] X, double[] Y) Data(int n, int d, ulong seed, double noise = 0.3)
    {
        var rng = new Generator(seed);
        var x = new double[n, d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < d; k++) { x[i, k] = 4 * rng.NextDouble() - 2; s += Math.Sin(1.3 * x[i, k] + k); }
            y[i] = 2 * s + 1 + noise * rng.NextNormal();
        }
        return (x, y);
    }

    private static Kernel Latent(int d) => new ConstantKernel(1.7) * new Matern(Enumerable.Range(0, d).Select(k => 0.8 + 0.3 * k).ToArray(), nu: 2.5);

    private static double[,] Rows(double[,] x, int m)
    {
        var z = new double[m, x.GetLength(1)];
        for (int i = 0; i < m; i++) for (int k = 0; k < x.GetLength(1); k++) z[i, k] = x[i, k];
        return z;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WithInducingInputsAtTheDataTheBoundAndPredictionsAreExact(bool normalizeY)
    {
        var (x, y) = Data(40, 2, seed: 3);
        var kernel = Latent(2) + new WhiteKernel(0.09);
        var exact = new GaussianProcessRegressor(kernel, normalizeY: normalizeY, optimize: false).Fit(x, y);
        var sparse = new SparseGaussianProcessRegressor(kernel, normalizeY: normalizeY, optimize: false, jitter: 0, inducingPoints: x).Fit(x, y);
        Assert.Equal(exact.LogMarginalLikelihoodValue, sparse.ElboValue, 1e-8 * Math.Abs(exact.LogMarginalLikelihoodValue));
        var (xt, _) = Data(25, 2, seed: 4);
        var (me, se) = exact.Predict(xt);
        var (ms, ss) = sparse.Predict(xt);
        for (int i = 0; i < me.Length; i++)
        {
            Assert.Equal(me[i], ms[i], 1e-7);
            Assert.Equal(se[i], ss[i], 1e-7);
        }
    }

    [Fact]
    public void NormalizeYStandardizesHugeTargetsLikeTheExactRegressor()
    {
        // The exact and sparse regressors share one standardization: sums over y / max|y|, so 40 targets near 1e307
        // (whose plain sum overflows) standardize to the same values as the unscaled ones.
        var (x, y) = Data(40, 2, seed: 3);
        var huge = Array.ConvertAll(y, v => (v + 10) * 1e307);
        var small = Array.ConvertAll(y, v => v + 10);
        var kernel = Latent(2) + new WhiteKernel(0.09);
        var a = new SparseGaussianProcessRegressor(kernel, normalizeY: true, optimize: false, jitter: 0, inducingPoints: x).Fit(x, small);
        var b = new SparseGaussianProcessRegressor(kernel, normalizeY: true, optimize: false, jitter: 0, inducingPoints: x).Fit(x, huge);
        var (xt, _) = Data(10, 2, seed: 4);
        var (ma, sa) = a.Predict(xt);
        var (mb, sb) = b.Predict(xt);
        for (int i = 0; i < ma.Length; i++)
        {
            Assert.True(double.IsFinite(mb[i]) && double.IsFinite(sb[i]), $"row {i}: mean {mb[i]}, std {sb[i]}");
            Assert.Equal(ma[i], mb[i] / 1e307, 1e-9);
            Assert.Equal(sa[i], sb[i] / 1e307, 1e-9);
        }
    }

    [Fact]
    public void LatentPredictionsMatchTheExactGpWithTheNoiseAsAlpha()
    {
        var (x, y) = Data(30, 2, seed: 5);
        var exact = new GaussianProcessRegressor(Latent(2), alpha: 0.09 + 1e-10, optimize: false).Fit(x, y);
        var sparse = new SparseGaussianProcessRegressor(Latent(2) + new WhiteKernel(0.09), optimize: false, jitter: 0, inducingPoints: x).Fit(x, y);
        var (xt, _) = Data(20, 2, seed: 6);
        var (me, se) = exact.Predict(xt);
        var (ms, ss) = sparse.Predict(xt, includeNoise: false);
        for (int i = 0; i < me.Length; i++)
        {
            Assert.Equal(me[i], ms[i], 1e-7);
            Assert.Equal(se[i], ss[i], 1e-7);
        }
    }

    [Fact]
    public void TheBoundGrowsTowardTheExactLmlAsInducingPointsAreAdded()
    {
        var (x, y) = Data(48, 2, seed: 7);
        var kernel = Latent(2) + new WhiteKernel(0.09);
        double exact = new GaussianProcessRegressor(kernel, optimize: false).Fit(x, y).LogMarginalLikelihoodValue;
        double previous = double.NegativeInfinity;
        foreach (int m in new[] { 1, 3, 6, 12, 24, 36, 48 })
        {
            // Nested inducing sets (the first m rows): adding inducing variables never lowers the collapsed bound.
            double bound = new SparseGaussianProcessRegressor(kernel, optimize: false, jitter: 0, inducingPoints: Rows(x, m)).Fit(x, y).ElboValue;
            Assert.True(bound <= exact + 1e-8 * Math.Abs(exact), $"M={m}: bound {bound} above the exact LML {exact}");
            Assert.True(bound >= previous - 1e-9 * Math.Abs(exact), $"M={m}: bound {bound} below the bound with fewer points {previous}");
            previous = bound;
        }
        Assert.Equal(exact, previous, 1e-8 * Math.Abs(exact));
    }

    public static TheoryData<string> GradientKernels => new(GradientKernel.Keys);

    private static readonly Dictionary<string, Func<Kernel>> GradientKernel = new()
    {
        ["ScaledMatern52Ard+White"] = () => Latent(2) + new WhiteKernel(0.2),
        ["RbfIso+White"] = () => new ConstantKernel(0.8) * new RBF(0.9) + new WhiteKernel(0.3),
        ["White+Matern12"] = () => new WhiteKernel(0.25) + new Matern([0.7, 1.2], nu: 0.5),
        ["Rbf*RationalQuadratic+Dot (generic paths)"] = () => new RBF(1.1) * new RationalQuadratic(0.9, 1.5) + new DotProduct(0.6) + new WhiteKernel(0.4),
        ["Matern32 fixed amplitude, alpha noise"] = () => new ConstantKernel(1.3, isFixed: true) * new Matern(0.8, nu: 1.5),
    };

    [Theory, MemberData(nameof(GradientKernels))]
    public void GradientsWithRespectToHyperparametersAndInducingInputsMatchCentralDifferences(string name)
    {
        var (x, y) = Data(35, 2, seed: 9);
        var z0 = new double[7, 2];
        var rng = new Generator(11);
        for (int i = 0; i < 7; i++) for (int k = 0; k < 2; k++) z0[i, k] = 3 * rng.NextDouble() - 1.5;
        double alpha = name.Contains("alpha") ? 0.15 : 1e-10;
        var gp = new SparseGaussianProcessRegressor(GradientKernel[name](), alpha: alpha, optimize: false, inducingPoints: z0).Fit(x, y);
        var theta = gp.FittedKernel!.Theta;
        double f = gp.Elbo(theta, z0, out var gTheta, out var gZ);
        Assert.Equal(f, gp.ElboValue, 1e-12 * Math.Abs(f));
        const double h = 1e-5;
        for (int t = 0; t < theta.Length; t++)
        {
            var tp = (double[])theta.Clone(); tp[t] += h;
            var tm = (double[])theta.Clone(); tm[t] -= h;
            double fd = (gp.Elbo(tp, z0) - gp.Elbo(tm, z0)) / (2 * h);
            Assert.True(Math.Abs(fd - gTheta[t]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{name} θ[{t}]: analytic {gTheta[t]}, central difference {fd}");
        }
        for (int i = 0; i < 7; i++)
            for (int k = 0; k < 2; k++)
            {
                var zp = (double[,])z0.Clone(); zp[i, k] += h;
                var zm = (double[,])z0.Clone(); zm[i, k] -= h;
                double fd = (gp.Elbo(theta, zp) - gp.Elbo(theta, zm)) / (2 * h);
                Assert.True(Math.Abs(fd - gZ[i, k]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{name} Z[{i},{k}]: analytic {gZ[i, k]}, central difference {fd}");
            }
    }

    [Fact]
    public void FittingRaisesTheBoundAndPredictsLikeTheFittedExactGp()
    {
        var (x, y) = Data(300, 2, seed: 13);
        var (xt, yt) = Data(200, 2, seed: 14, noise: 0);
        var kernel = new ConstantKernel(1.0) * new Matern([1.0, 1.0], nu: 2.5) + new WhiteKernel(1.0);
        var exact = new GaussianProcessRegressor(kernel, normalizeY: true).Fit(x, y);
        var start = new SparseGaussianProcessRegressor(kernel, nInducing: 30, normalizeY: true, optimize: false, seed: 1).Fit(x, y);
        var sparse = new SparseGaussianProcessRegressor(kernel, nInducing: 30, normalizeY: true, seed: 1).Fit(x, y);
        Assert.True(sparse.ElboValue > start.ElboValue, $"fit {sparse.ElboValue} not above start {start.ElboValue}");
        // The bound never exceeds the exact LML at the same hyperparameters, and with M = 30 of 300 points the fitted bound stays within a few nats of the best exact LML.
        double exactAtSparse = exact.LogMarginalLikelihood(sparse.FittedKernel!.Theta);
        Assert.True(sparse.ElboValue <= exactAtSparse + 1e-8 * Math.Abs(exactAtSparse));
        Assert.True(sparse.ElboValue > exact.LogMarginalLikelihoodValue - 0.05 * Math.Abs(exact.LogMarginalLikelihoodValue),
            $"bound {sparse.ElboValue} vs exact {exact.LogMarginalLikelihoodValue}");
        double Rmse(double[] p) => Math.Sqrt(p.Select((v, i) => (v - yt[i]) * (v - yt[i])).Average());
        double exactRmse = Rmse(exact.Predict(xt).Mean), sparseRmse = Rmse(sparse.Predict(xt).Mean);
        Assert.True(sparseRmse <= 1.05 * exactRmse, $"sparse RMSE {sparseRmse} vs exact {exactRmse}");
        Assert.Equal(30, sparse.InducingInputs!.GetLength(0));
    }

    [Fact]
    public void SameSeedSameFit()
    {
        var (x, y) = Data(120, 2, seed: 15);
        var a = new SparseGaussianProcessRegressor(nInducing: 10, seed: 4, maxIter: 20).Fit(x, y);
        var b = new SparseGaussianProcessRegressor(nInducing: 10, seed: 4, maxIter: 20).Fit(x, y);
        Assert.Equal(a.ElboValue, b.ElboValue);
        Assert.Equal(a.InducingInputs, b.InducingInputs);
    }

    [Fact]
    public void KMeansPlusPlusPicksDistinctSeededRows()
    {
        var (x, _) = Data(200, 3, seed: 16);
        var z = InducingPoints.KMeansPlusPlus(x, 20, seed: 2);
        Assert.Equal(z, InducingPoints.KMeansPlusPlus(x, 20, seed: 2));
        var rows = Enumerable.Range(0, 20).Select(i => (z[i, 0], z[i, 1], z[i, 2])).ToHashSet();
        Assert.Equal(20, rows.Count);
        var all = Enumerable.Range(0, 200).Select(i => (x[i, 0], x[i, 1], x[i, 2])).ToHashSet();
        Assert.True(rows.All(all.Contains));
    }

    [Fact]
    public void BadInputGetsClearMessages()
    {
        var (x, y) = Data(10, 2, seed: 17);
        var e1 = Assert.Throws<ArgumentException>(() => new SparseGaussianProcessRegressor(nInducing: 11).Fit(x, y));
        Assert.Contains("at most the number of training rows (10), got 11", e1.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => new SparseGaussianProcessRegressor(nInducing: 0));
        Assert.Contains("nInducing must be >= 1, got 0", e2.Message);
        var bad = (double[,])x.Clone(); bad[3, 1] = double.NaN;
        var e3 = Assert.Throws<ArgumentException>(() => new SparseGaussianProcessRegressor(nInducing: 3).Fit(bad, y));
        Assert.Contains("must be finite", e3.Message);
        var badY = (double[])y.Clone(); badY[2] = double.PositiveInfinity;
        var e4 = Assert.Throws<ArgumentException>(() => new SparseGaussianProcessRegressor(nInducing: 3).Fit(x, badY));
        Assert.Contains("must be finite", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => new SparseGaussianProcessRegressor(new RBF() * (new RBF() + new WhiteKernel())));
        Assert.Contains("top-level summand", e5.Message);
        var e6 = Assert.Throws<InvalidOperationException>(() => new SparseGaussianProcessRegressor(new RBF(), nInducing: 3, alpha: 0).Fit(x, y));
        Assert.Contains("needs observation noise", e6.Message);
        var e7 = Assert.Throws<ArgumentException>(() => new SparseGaussianProcessRegressor(nInducing: 3).Fit(x, y[..9]));
        Assert.Contains("one target per row of X (10), got 9", e7.Message);
        Assert.Throws<InvalidOperationException>(() => new SparseGaussianProcessRegressor().Predict(x));
    }
}
