using Overfit.LinearModels;
using Overfit.Tensors;
using static Overfit.Tests.LinearModels.LinearOptionsFixtureTests;

namespace Overfit.Tests.LinearModels;

/// <summary>
/// Properties scikit-learn's sample_weight contract promises (zero weight = dropped row, integer weight = repeated row),
/// paths agreeing with single fits, random coordinate selection reaching the cyclic solution, and bad-input messages.
/// </summary>
public class SampleWeightTests
{
    private static readonly Func<LinearModel>[] Estimators =
    [
        () => new LinearRegression(),
        () => new LinearRegression(positive: true),
        () => new Ridge(0.7, solver: RidgeSolver.Cholesky),
        () => new Ridge(0.7, solver: RidgeSolver.Svd),
        () => new Ridge(0.7, solver: RidgeSolver.ConjugateGradient, tol: 1e-14),
        () => new Lasso(0.03, maxIter: 100000, tol: 1e-13),
        () => new ElasticNet(0.05, 0.4, maxIter: 100000, tol: 1e-13, precompute: false),
        () => new RidgeCV([0.1, 1, 10]),
    ];

    private static (double[,] X, double[] Y) Rows(double[,] x, double[] y, IEnumerable<int> rows)
    {
        var r = rows.ToArray();
        var xs = new double[r.Length, x.GetLength(1)];
        var ys = new double[r.Length];
        for (int i = 0; i < r.Length; i++)
        {
            for (int j = 0; j < x.GetLength(1); j++) xs[i, j] = x[r[i], j];
            ys[i] = y[r[i]];
        }
        return (xs, ys);
    }

    private static void AssertSameFit(LinearModel expected, LinearModel got, double tol, string what)
    {
        for (int j = 0; j < expected.Coefficients.Length; j++)
            Assert.True(Math.Abs(expected.Coefficients[j] - got.Coefficients[j]) <= tol, $"{what} coef[{j}]: {expected.Coefficients[j]} vs {got.Coefficients[j]}");
        Assert.True(Math.Abs(expected.Intercept - got.Intercept) <= tol, $"{what} intercept: {expected.Intercept} vs {got.Intercept}");
    }

    [Fact]
    public void ZeroWeightDropsTheRowAndIntegerWeightRepeatsIt()
    {
        var (x, y) = (X, Y);
        var w = new double[y.Length];
        Array.Fill(w, 1.0);
        w[2] = 0; w[7] = 0; w[9] = 3; w[20] = 2;
        var kept = Enumerable.Range(0, y.Length).Where(i => w[i] != 0).ToArray();
        var repeated = Enumerable.Range(0, y.Length).SelectMany(i => Enumerable.Repeat(i, (int)w[i])).ToArray();
        foreach (var make in Estimators)
        {
            var weighted = make();
            var name = weighted.GetType().Name;
            ((IRegressor)weighted).Fit(x, y);   // a previous unweighted fit leaves nothing behind
            Fit(weighted, x, y, w);
            var (xr, yr) = Rows(x, y, repeated);
            var plain = make();
            ((IRegressor)plain).Fit(xr, yr);
            AssertSameFit(plain, weighted, 1e-8, name + " repeated rows");
            // Zero weights alone (the other weights 1) equal dropping those rows.
            var zeroOnly = w.Select(v => v == 0 ? 0.0 : 1.0).ToArray();
            var (xk, yk) = Rows(x, y, kept);
            var dropped = make();
            ((IRegressor)dropped).Fit(xk, yk);
            var zeroed = make();
            Fit(zeroed, x, y, zeroOnly);
            AssertSameFit(dropped, zeroed, 1e-8, name + " zero weights");
        }
    }

    private static void Fit(LinearModel model, double[,] x, double[] y, double[] w)
    {
        switch (model)
        {
            case LinearRegression m: m.Fit(x, y, w); break;
            case Ridge m: m.Fit(x, y, w); break;
            case Lasso m: m.Fit(x, y, w); break;
            case ElasticNet m: m.Fit(x, y, w); break;
            case RidgeCV m: m.Fit(x, y, w); break;
            default: throw new InvalidOperationException(model.GetType().Name);
        }
    }

    [Fact]
    public void WeightedPathsAgreeWithSingleFits()
    {
        double[] alphas = [0.01, 0.5, 4];
        var path = Ridge.Path(X, Y, alphas, sampleWeight: Weights);
        for (int a = 0; a < alphas.Length; a++)
        {
            var single = new Ridge(alphas[a]).Fit(X, Y, Weights);
            Assert.Equal(single.Intercept, path.Intercepts[a], 10);
            for (int j = 0; j < single.Coefficients.Length; j++) Assert.Equal(single.Coefficients[j], path.Coefficients[a][j], 10);
        }
        var enet = ElasticNetPath.Compute(X, Y, 0.6, alphas: [0.2, 0.05], tol: 1e-13, maxIter: 100000, sampleWeight: Weights);
        for (int a = 0; a < 2; a++)
        {
            var single = new ElasticNet(enet.Alphas[a], 0.6, fitIntercept: false, tol: 1e-13, maxIter: 100000).Fit(X, Y, Weights);
            for (int j = 0; j < single.Coefficients.Length; j++) Assert.Equal(single.Coefficients[j], enet.Coefficients[a][j], 9);
        }
        var viaArrays = LassoPath.Compute(X, Y, nAlphas: 5, sampleWeight: Weights);
        var viaTensors = LassoPath.Compute(Tensor.FromArray(X), Tensor.FromArray(Y), nAlphas: 5, sampleWeight: Tensor.FromArray(Weights));
        Assert.Equal(viaArrays.Alphas, viaTensors.Alphas);
        for (int a = 0; a < 5; a++) Assert.Equal(viaArrays.Coefficients[a], viaTensors.Coefficients[a]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RandomSelectionReachesTheCyclicSolution(bool gram)
    {
        var cyclic = new ElasticNet(0.02, 0.7, maxIter: 100000, tol: 1e-14, precompute: gram).Fit(X, Y, Weights);
        foreach (ulong seed in new ulong[] { 0, 1, 42 })
        {
            var random = new ElasticNet(0.02, 0.7, maxIter: 100000, tol: 1e-14, precompute: gram, selection: CoordinateSelection.Random, randomState: seed).Fit(X, Y, Weights);
            Assert.True(random.Converged);
            AssertSameFit(cyclic, random, 1e-9, $"seed {seed}");
        }
        // The same seed gives the same iterates.
        var a = new Lasso(0.05, selection: CoordinateSelection.Random, randomState: 7).Fit(X, Y);
        var b = new Lasso(0.05, selection: CoordinateSelection.Random, randomState: 7).Fit(X, Y);
        Assert.Equal(a.Coefficients, b.Coefficients);
        Assert.Equal(a.Iterations, b.Iterations);
    }

    [Fact]
    public void MultiOutputPredictsOneColumnPerTarget()
    {
        var model = new Ridge(1.5).Fit(X, YMulti);
        Assert.Equal(3, model.Targets);
        Assert.Empty(model.Coefficients);
        var coef = model.CoefficientMatrix;
        var pred = model.PredictTargets(X);
        for (int t = 0; t < 3; t++)
        {
            var single = new Ridge(1.5).Fit(X, Enumerable.Range(0, Y.Length).Select(i => YMulti[i, t]).ToArray());
            var singlePred = single.Predict(X);
            for (int i = 0; i < singlePred.Length; i++) Assert.Equal(singlePred[i], pred[i, t], 10);
            for (int j = 0; j < single.Coefficients.Length; j++) Assert.Equal(single.Coefficients[j], coef[t, j], 10);
        }
        var tensorPred = model.Predict(Tensor.FromArray(X));
        Assert.Equal([Y.Length, 3], tensorPred.Shape);
        var e = Assert.Throws<InvalidOperationException>(() => model.Predict(X));
        Assert.Contains("3 targets", e.Message);
        var viaTensor = new LinearRegression().Fit(Tensor.FromArray(X), Tensor.FromArray(YMulti), Tensor.FromArray(Weights, [Weights.Length]));
        Assert.Equal(new LinearRegression().Fit(X, YMulti, Weights).CoefficientMatrix, viaTensor.CoefficientMatrix);
    }

    [Fact]
    public void BadWeightsAndTargetsNameTheArgument()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new Ridge().Fit(X, Y, new double[3]));
        Assert.Contains("sampleWeight must hold one weight per sample (30), got 3", e1.Message);
        var negative = (double[])Weights.Clone();
        negative[4] = -1;
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => new Lasso().Fit(X, Y, negative));
        Assert.Contains("sampleWeight must be finite and non-negative, got -1 at index 4", e2.Message);
        var nan = (double[])Weights.Clone();
        nan[0] = double.NaN;
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearRegression().Fit(X, Y, nan));
        var e3 = Assert.Throws<ArgumentException>(() => new ElasticNet().Fit(X, Y, new double[Y.Length]));
        Assert.Contains("positive sum", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => new Ridge().Fit(X, new double[4, 2]));
        Assert.Contains("x has 30 rows, y has 4", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => new RidgeCV(cv: 3, storeCvValues: true));
        Assert.Contains("storeCvValues", e5.Message);
        Assert.Throws<ArgumentException>(() => new RidgeCV(scoring: Overfit.LinearModels.ModelSelection.Scoring.R2, scorer: (a, b) => 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Lasso(selection: (CoordinateSelection)5));
    }
}
