using Overfit.LinearModels;
using R = Overfit.Tests.LinearModels.LinearReference;

namespace Overfit.Tests.LinearModels;

public class CoordinateDescentTests
{
    private static object Get(string name) => typeof(R).GetField(name)!.GetValue(null)!;

    private static void AssertMatches(string tag, CoordinateDescentModel model, double[,] x, double rtol = 1e-6)
    {
        Close.All((double[])Get(tag + "Coef"), model.Coefficients, rtol, 1e-10, tag + " coefficients");
        Close.One((double)Get(tag + "Intercept"), model.Intercept, rtol, 1e-10, tag + " intercept");
        Assert.Equal((int)Get(tag + "Iter"), model.Iterations);
        Close.One((double)Get(tag + "Gap"), model.DualGap, 1e-4, 1e-13, tag + " duality gap");
        bool warned = (int)Get(tag + "Warned") == 1;
        Assert.Equal(warned, model.ConvergenceWarning is not null);
        Assert.Equal(!warned, model.Converged);
        Assert.Equal(x.GetLength(1), model.Coefficients.Length);
    }

    [Fact]
    public void LassoMatchesScikitLearnAtDefaultAndTightTolerance()
    {
        var (x, y) = LinearTestData.Dense();
        AssertMatches("LassoDense", new Lasso(0.05).Fit(x, y), x);
        AssertMatches("LassoDenseTight", new Lasso(0.05, tol: 1e-12, maxIter: 100000).Fit(x, y), x);
        var (xs, ys) = LinearTestData.SparseTruth();
        var lasso = new Lasso(0.1).Fit(xs, ys);
        AssertMatches("LassoSparse", lasso, xs);
        Assert.Contains(lasso.Coefficients, c => c == 0);   // the L1 penalty zeroes irrelevant features exactly
    }

    [Fact]
    public void PositiveLassoKeepsCoefficientsNonNegative()
    {
        var (x, y) = LinearTestData.SparseTruth();
        var lasso = new Lasso(0.02, positive: true).Fit(x, y);
        AssertMatches("LassoSparsePositive", lasso, x);
        Assert.All(lasso.Coefficients, c => Assert.True(c >= 0));
    }

    [Fact]
    public void NonConvergenceIsReportedLikeScikitLearn()
    {
        var (x, y) = LinearTestData.Ill();
        var lasso = new Lasso(1e-5, maxIter: 50).Fit(x, y);
        AssertMatches("LassoIllShort", lasso, x, rtol: 1e-5);
        Assert.Equal(50, lasso.Iterations);
        Assert.Contains("did not converge", lasso.ConvergenceWarning);
        Assert.Contains("Increase maxIter", lasso.ConvergenceWarning);
    }

    [Fact]
    public void ElasticNetMatchesScikitLearnInGramAndColumnForms()
    {
        var (x, y) = LinearTestData.Dense();
        AssertMatches("EnetDense", new ElasticNet(0.1, 0.3).Fit(x, y), x);
        var (xw, yw) = LinearTestData.Wide();   // p > n: the column (data) form
        AssertMatches("EnetWide", new ElasticNet(0.01, 0.7, tol: 1e-10, maxIter: 100000).Fit(xw, yw), xw);
        AssertMatches("EnetWide", new ElasticNet(0.01, 0.7, tol: 1e-10, maxIter: 100000, precompute: true).Fit(xw, yw), xw);
        AssertMatches("LassoWide", new Lasso(0.02, precompute: false).Fit(xw, yw), xw);
        var (xs, ys) = LinearTestData.SparseTruth();
        AssertMatches("EnetSparseNoIntercept", new ElasticNet(0.05, 0.5, fitIntercept: false).Fit(xs, ys), xs);
    }

    [Fact]
    public void WarmStartContinuesFromThePreviousSolution()
    {
        var (x, y) = LinearTestData.SparseTruth();
        var first = new Lasso(0.3).Fit(x, y);
        // scikit-learn: Lasso(alpha=0.3, warm_start=True).fit(X, y); set_params(alpha=0.1); fit(X, y).
        var second = new Lasso(0.1) { InitialCoefficients = first.Coefficients }.Fit(x, y);
        Close.All(R.LassoWarmCoef, second.Coefficients, 1e-6, 1e-10, "warm-started coefficients");
        Assert.Equal(R.LassoWarmIter, second.Iterations);
        var again = new Lasso(0.1, warmStart: true).Fit(x, y);
        int cold = again.Iterations;
        again.Fit(x, y);   // warm start from its own solution: converges at once
        Assert.True(again.Iterations < cold, $"warm refit took {again.Iterations} sweeps, cold fit {cold}");
    }

    [Fact]
    public void PathsMatchScikitLearn()
    {
        var (x, y) = LinearTestData.SparseTruth();
        var lasso = LassoPath.Compute(x, y, nAlphas: 20, eps: 1e-2);
        Close.All(R.LassoPathAlphas, lasso.Alphas, what: "lasso alphas");
        Close.All(R.LassoPathCoefs, LinearTestData.Flatten(lasso.Coefficients), 1e-6, 1e-10, "lasso path");
        var enet = ElasticNetPath.Compute(x, y, l1Ratio: 0.5, nAlphas: 15, eps: 1e-3);
        Close.All(R.EnetPathAlphas, enet.Alphas, what: "enet alphas");
        Close.All(R.EnetPathCoefs, LinearTestData.Flatten(enet.Coefficients), 1e-6, 1e-10, "enet path");
    }

    [Fact]
    public void LassoCvMatchesScikitLearn()
    {
        var (x, y) = LinearTestData.SparseTruth();
        var cv = new LassoCV(nAlphas: 30, cv: 5).Fit(x, y);
        Close.One(R.LassoCvAlpha, cv.Alpha, what: "alpha");
        Close.All(R.LassoCvAlphas, cv.Alphas[0], what: "alpha grid");
        Close.All(R.LassoCvMsePath, LinearTestData.Flatten(cv.MsePath[0]), 1e-6, 1e-12, "MSE path");
        Close.All(R.LassoCvCoef, cv.Coefficients, 1e-6, 1e-10, "coefficients");
        Close.One(R.LassoCvIntercept, cv.Intercept, what: "intercept");
    }

    [Fact]
    public void ElasticNetCvChoosesL1RatioAndAlphaLikeScikitLearn()
    {
        var (x, y) = LinearTestData.SparseTruth();
        var cv = new ElasticNetCV([0.2, 0.8], nAlphas: 20, cv: 4).Fit(x, y);
        Close.One(R.EnetCvAlpha, cv.Alpha, what: "alpha");
        Assert.Equal(R.EnetCvL1Ratio, cv.L1Ratio);
        var mse = cv.MsePath.SelectMany(r => r.SelectMany(a => a)).ToArray();
        Close.All(R.EnetCvMsePath, mse, 1e-6, 1e-12, "MSE path");
        Close.All(R.EnetCvCoef, cv.Coefficients, 1e-6, 1e-10, "coefficients");
        Close.One(R.EnetCvIntercept, cv.Intercept, what: "intercept");
    }
}
