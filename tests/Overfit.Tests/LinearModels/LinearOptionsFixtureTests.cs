using System.Text.Json;
using Overfit.LinearModels;
using Overfit.LinearModels.ModelSelection;

namespace Overfit.Tests.LinearModels;

/// <summary>
/// Sample weights, multi-output y, RidgeCV's scoring/stored values and non-negative least squares against scikit-learn 1.2
/// (tests/fixtures/reference/linear/linear_options_reference.py → linear_options.json).
/// </summary>
public class LinearOptionsFixtureTests
{
    private static readonly Lazy<JsonElement> Root = new(() => Fixtures.ReferenceFixture.LoadDocument("linear/linear_options.json"));

    internal static double[,] X => Matrix(Root.Value.GetProperty("X"));
    internal static double[] Y => Vector(Root.Value.GetProperty("y"));
    internal static double[,] YMulti => Matrix(Root.Value.GetProperty("Y"));
    internal static double[] Weights => Vector(Root.Value.GetProperty("sample_weight"));
    private static double[] CvAlphas => Vector(Root.Value.GetProperty("ridgecv_alphas"));

    private static JsonElement Case(string name) => Root.Value.GetProperty("cases").GetProperty(name);

    private static void AssertFit(string name, LinearModel model, double tol)
    {
        var c = Case(name);
        var coef = Matrix(c.GetProperty("coef"));
        var intercepts = Vector(c.GetProperty("intercept"));
        var got = model.CoefficientMatrix;
        Assert.Equal(coef.GetLength(0), got.GetLength(0));
        Assert.Equal(coef.GetLength(1), got.GetLength(1));
        for (int t = 0; t < coef.GetLength(0); t++)
        {
            for (int j = 0; j < coef.GetLength(1); j++)
                Assert.True(Math.Abs(coef[t, j] - got[t, j]) <= tol * (1 + Math.Abs(coef[t, j])), $"{name} coef[{t},{j}]: expected {coef[t, j]}, got {got[t, j]}");
            Assert.True(Math.Abs(intercepts[t] - model.Intercepts[t]) <= tol * (1 + Math.Abs(intercepts[t])), $"{name} intercept[{t}]: expected {intercepts[t]}, got {model.Intercepts[t]}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WeightedSingleTargetFitsMatchScikitLearn(bool intercept)
    {
        string tag = intercept ? "b" : "nob";
        AssertFit($"ols_w_{tag}", new LinearRegression(intercept).Fit(X, Y, Weights), 1e-10);
        foreach (var solver in Enum.GetValues<RidgeSolver>())
            AssertFit($"ridge_w_{tag}", new Ridge(1.5, intercept, solver, tol: 1e-12).Fit(X, Y, Weights), 1e-9);
        AssertFit($"lasso_w_{tag}", new Lasso(0.05, intercept, maxIter: 100000, tol: 1e-12).Fit(X, Y, Weights), 1e-9);
        AssertFit($"enet_w_{tag}", new ElasticNet(0.1, 0.3, intercept, maxIter: 100000, tol: 1e-12).Fit(X, Y, Weights), 1e-9);
        AssertFit($"enet_w_{tag}", new ElasticNet(0.1, 0.3, intercept, maxIter: 100000, tol: 1e-12, precompute: false).Fit(X, Y, Weights), 1e-9);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NonNegativeLeastSquaresMatchesScikitLearn(bool intercept)
    {
        string tag = intercept ? "b" : "nob";
        var model = new LinearRegression(intercept, positive: true).Fit(X, Y);
        AssertFit($"nnls_{tag}", model, 1e-10);
        Assert.All(model.Coefficients, c => Assert.True(c >= 0));
        AssertFit($"nnls_w_{tag}", new LinearRegression(intercept, positive: true).Fit(X, Y, Weights), 1e-10);
    }

    [Fact]
    public void MultiOutputFitsMatchScikitLearn()
    {
        AssertFit("ols_multi", new LinearRegression().Fit(X, YMulti), 1e-10);
        AssertFit("ols_multi_w", new LinearRegression().Fit(X, YMulti, Weights), 1e-10);
        AssertFit("ridge_multi", new Ridge(1.5).Fit(X, YMulti), 1e-10);
        AssertFit("ridge_multi_w", new Ridge(1.5).Fit(X, YMulti, Weights), 1e-10);
        AssertFit("lasso_multi", new Lasso(0.05, maxIter: 100000, tol: 1e-12).Fit(X, YMulti), 1e-9);
        AssertFit("enet_multi_w", new ElasticNet(0.1, 0.3, maxIter: 100000, tol: 1e-12).Fit(X, YMulti, Weights), 1e-9);
        AssertFit("nnls_multi", new LinearRegression(positive: true).Fit(X, YMulti), 1e-10);
    }

    [Theory]
    [InlineData("ridgecv_loo_store", true, false, null)]
    [InlineData("ridgecv_loo_store_w", true, true, null)]
    [InlineData("ridgecv_loo_r2_store", true, false, Scoring.R2)]
    [InlineData("ridgecv_loo_negmse_w", false, true, Scoring.NegMeanSquaredError)]
    [InlineData("ridgecv_loo_nob_w", false, true, null)]
    public void RidgeCVLeaveOneOutMatchesScikitLearn(string name, bool intercept, bool weighted, Scoring? scoring)
    {
        intercept = name != "ridgecv_loo_nob_w";
        var model = new RidgeCV(CvAlphas, intercept, scoring: scoring, storeCvValues: true).Fit(X, Y, weighted ? Weights : null);
        CheckRidgeCV(name, model);
    }

    [Fact]
    public void RidgeCVMultiOutputAndKFoldMatchScikitLearn()
    {
        CheckRidgeCV("ridgecv_loo_multi_store", new RidgeCV(CvAlphas, storeCvValues: true).Fit(X, YMulti));
        CheckRidgeCV("ridgecv_loo_multi_w", new RidgeCV(CvAlphas, storeCvValues: true).Fit(X, YMulti, Weights));
        CheckRidgeCV("ridgecv_kfold_w", new RidgeCV(CvAlphas, cv: 5).Fit(X, Y, Weights));
        CheckRidgeCV("ridgecv_kfold_multi", new RidgeCV(CvAlphas, cv: 5).Fit(X, YMulti));
        CheckRidgeCV("ridgecv_kfold_negmse", new RidgeCV(CvAlphas, cv: 5, scoring: Scoring.NegMeanSquaredError).Fit(X, Y));
        // A user function sees the same LOO predictions as the named score.
        var custom = new RidgeCV(CvAlphas, scorer: (t, p) => -RegressionScore.MeanSquaredError(t, p)).Fit(X, Y, Weights);
        Assert.Equal(Case("ridgecv_loo_negmse_w").GetProperty("best_score").GetDouble(), custom.BestScore, 10);
    }

    private static void CheckRidgeCV(string name, RidgeCV model)
    {
        var c = Case(name);
        Assert.Equal(c.GetProperty("alpha").GetDouble(), model.Alpha);
        double best = c.GetProperty("best_score").GetDouble();
        Assert.True(Math.Abs(best - model.BestScore) <= 1e-10 * (1 + Math.Abs(best)), $"{name} best score: expected {best}, got {model.BestScore}");
        AssertFit(name, model, 1e-9);
        if (c.TryGetProperty("cv_values", out var cv))
        {
            var expected = Matrix(cv);
            var got = model.CvValues!;
            Assert.Equal(expected.GetLength(0), got.GetLength(0));
            Assert.Equal(expected.GetLength(1), got.GetLength(1));
            for (int i = 0; i < expected.GetLength(0); i++)
                for (int a = 0; a < expected.GetLength(1); a++)
                    Assert.True(Math.Abs(expected[i, a] - got[i, a]) <= 1e-9 * (1 + Math.Abs(expected[i, a])), $"{name} cv_values[{i},{a}]: expected {expected[i, a]}, got {got[i, a]}");
        }
    }

    [Fact]
    public void WeightedCrossValidatedElasticNetMatchesScikitLearn()
    {
        var lasso = new LassoCV(nAlphas: 20, cv: 5, maxIter: 100000, tol: 1e-12).Fit(X, Y, Weights);
        var c = Case("lassocv_w");
        Assert.Equal(c.GetProperty("alpha").GetDouble(), lasso.Alpha, 12);
        AssertPath(Matrix(c.GetProperty("mse_path")), lasso.MsePath[0], "lassocv mse");
        AssertFit("lassocv_w", lasso, 1e-9);

        var enet = new ElasticNetCV([0.3, 0.8], nAlphas: 15, cv: 4, maxIter: 100000, tol: 1e-12).Fit(X, Y, Weights);
        c = Case("enetcv_w");
        Assert.Equal(c.GetProperty("alpha").GetDouble(), enet.Alpha, 12);
        Assert.Equal(c.GetProperty("l1_ratio").GetDouble(), enet.L1Ratio);
        var msePath = c.GetProperty("mse_path").EnumerateArray().Select(Matrix).ToArray();
        for (int r = 0; r < 2; r++) AssertPath(msePath[r], enet.MsePath[r], $"enetcv mse[{r}]");
        AssertFit("enetcv_w", enet, 1e-9);
    }

    private static void AssertPath(double[,] expected, double[][] got, string what)
    {
        for (int a = 0; a < expected.GetLength(0); a++)
            for (int f = 0; f < expected.GetLength(1); f++)
                Assert.True(Math.Abs(expected[a, f] - got[a][f]) <= 1e-8 * (1 + Math.Abs(expected[a, f])), $"{what}[{a},{f}]: expected {expected[a, f]}, got {got[a][f]}");
    }

    internal static double[,] Matrix(JsonElement e)
    {
        var rows = e.EnumerateArray().Select(Vector).ToArray();
        var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    internal static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
