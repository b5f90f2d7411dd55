using Overfit.LinearModels;
using Overfit.LinearModels.ModelSelection;

namespace Overfit.Tests.LinearModels;

public class BadInputTests
{
    private static readonly (double[,] X, double[] Y) Data = LinearTestData.Dense();

    public static TheoryData<string> Estimators => new() { "lr", "ridge", "lasso", "enet", "ridgecv", "lassocv" };

    private static IRegressor Make(string name) => name switch
    {
        "lr" => new LinearRegression(),
        "ridge" => new Ridge(),
        "lasso" => new Lasso(0.1),
        "enet" => new ElasticNet(0.1),
        "ridgecv" => new RidgeCV(),
        _ => new LassoCV(nAlphas: 5),
    };

    [Theory]
    [MemberData(nameof(Estimators))]
    public void NonFiniteValuesAreRejectedWithTheirPosition(string name)
    {
        var x = (double[,])Data.X.Clone();
        x[3, 2] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => Make(name).Fit(x, Data.Y));
        Assert.Contains("x must contain only finite values, got NaN at row 3, column 2", e.Message);
        var y = (double[])Data.Y.Clone();
        y[7] = double.NegativeInfinity;
        e = Assert.Throws<ArgumentException>(() => Make(name).Fit(Data.X, y));
        Assert.Contains("y must contain only finite values, got -∞ at index 7", e.Message.Replace("-Infinity", "-∞"));
    }

    /// <summary>
    /// The routes that find a non-finite X from their own statistics pass (Xᵀy) rather than a separate scan: every
    /// solver and form, the path functions, and ±∞ against a centered y of zeros (∞·0 is NaN, still caught).
    /// </summary>
    [Fact]
    public void NonFiniteXIsRejectedByEverySolverRoute()
    {
        var x = (double[,])Data.X.Clone();
        x[5, 1] = double.PositiveInfinity;
        const string expected = "x must contain only finite values, got ∞ at row 5, column 1";
        var fits = new (string What, Action Fit)[]
        {
            ("ridge cholesky", () => new Ridge(1, solver: RidgeSolver.Cholesky).Fit(x, Data.Y)),
            ("ridge svd", () => new Ridge(1, solver: RidgeSolver.Svd).Fit(x, Data.Y)),
            ("ridge cg", () => new Ridge(1, solver: RidgeSolver.ConjugateGradient).Fit(x, Data.Y)),
            ("lasso gram", () => new Lasso(0.1, precompute: true).Fit(x, Data.Y)),
            ("lasso columns", () => new Lasso(0.1, precompute: false).Fit(x, Data.Y)),
            ("lasso, no intercept", () => new Lasso(0.1, fitIntercept: false).Fit(x, Data.Y)),
            ("lasso, constant y", () => new Lasso(0.1).Fit(x, Enumerable.Repeat(2.5, Data.Y.Length).ToArray())),
            ("lasso path", () => LassoPath.Compute(x, Data.Y, nAlphas: 3)),
            ("enet path, columns", () => ElasticNetPath.Compute(x, Data.Y, 0.5, nAlphas: 3, precompute: false)),
        };
        foreach (var (what, fit) in fits)
        {
            var e = Assert.Throws<ArgumentException>(fit);
            Assert.True(e.Message.Replace("Infinity", "∞").Contains(expected), $"{what}: {e.Message}");
            Assert.Equal("x", e.ParamName);
        }
        x[5, 1] = double.NaN;
        Assert.Contains("got NaN at row 5, column 1", Assert.Throws<ArgumentException>(() => new ElasticNet(0.1).Fit(x, Data.Y)).Message);
    }

    [Theory]
    [MemberData(nameof(Estimators))]
    public void MismatchedLengthsAreRejected(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Make(name).Fit(Data.X, Data.Y[..30]));
        Assert.Contains("same number of samples: x has 40 rows, y has 30 values", e.Message);
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        Assert.Contains("alpha must be a finite number >= 0, got -1", Assert.Throws<ArgumentOutOfRangeException>(() => new Ridge(-1)).Message);
        Assert.Contains("alpha must be a finite number >= 0, got -0.5", Assert.Throws<ArgumentOutOfRangeException>(() => new Lasso(-0.5)).Message);
        Assert.Contains("l1Ratio must lie in [0, 1], got 1.5", Assert.Throws<ArgumentOutOfRangeException>(() => new ElasticNet(1, 1.5)).Message);
        Assert.Contains("l1Ratio must lie in [0, 1], got -0.1", Assert.Throws<ArgumentOutOfRangeException>(() => ElasticNetPath.Compute(Data.X, Data.Y, -0.1)).Message);
        Assert.Contains("l1Ratios[1] must lie in [0, 1], got 2", Assert.Throws<ArgumentOutOfRangeException>(() => new ElasticNetCV([0.5, 2])).Message);
        Assert.Contains("alphas[0] must be a finite number > 0, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new RidgeCV([0.0, 1.0])).Message);
        Assert.Contains("maxIter must be >= 1, got 0", Assert.Throws<ArgumentOutOfRangeException>(() => new Lasso(maxIter: 0)).Message);
        Assert.Contains("cv must be >= 2, got 1", Assert.Throws<ArgumentOutOfRangeException>(() => new LassoCV(cv: 1)).Message);
        Assert.Contains("nSplits must be >= 2, got 1", Assert.Throws<ArgumentOutOfRangeException>(() => new KFold(1)).Message);
        Assert.Contains("automatic alpha grid needs l1Ratio > 0", Assert.Throws<ArgumentException>(() => ElasticNetPath.Compute(Data.X, Data.Y, 0.0)).Message);
    }

    [Fact]
    public void PredictChecksStateAndShape()
    {
        Assert.Contains("not fitted yet", Assert.Throws<InvalidOperationException>(() => new Ridge().Predict(Data.X)).Message);
        var ridge = new Ridge().Fit(Data.X, Data.Y);
        Assert.Contains("x must have 5 features (columns) like the training data, got 3",
            Assert.Throws<ArgumentException>(() => ridge.Predict(new double[2, 3])).Message);
        Assert.Contains("at least one sample", Assert.Throws<ArgumentException>(() => new Ridge().Fit(new double[0, 3], [])).Message);
    }
}
