using Overfit.LinearModels;
using Overfit.Tensors;
using R = Overfit.Tests.LinearModels.LinearReference;

namespace Overfit.Tests.LinearModels;

public class LeastSquaresRidgeTests
{
    public static TheoryData<string> Sets => new() { "Dense", "Ill", "Wide", "Collinear", "Sparse" };

    internal static (double[,] X, double[] Y) Data(string name) => name switch
    {
        "Dense" => LinearTestData.Dense(),
        "Ill" => LinearTestData.Ill(),
        "Wide" => LinearTestData.Wide(),
        "Collinear" => LinearTestData.Collinear(),
        _ => LinearTestData.SparseTruth(),
    };

    private static double[] Ref(string name) => (double[])typeof(R).GetField(name)!.GetValue(null)!;
    private static double RefNum(string name) => (double)typeof(R).GetField(name)!.GetValue(null)!;

    [Theory]
    [MemberData(nameof(Sets))]
    public void LinearRegressionMatchesScikitLearn(string set)
    {
        var (x, y) = Data(set);
        var lr = new LinearRegression().Fit(x, y);
        // The ill-conditioned design (powers of t in [1, 2], cond ~1e7 after centering) loses ~7 digits in any solver.
        double rtol = set == "Ill" ? 1e-5 : 1e-6;
        Close.All(Ref($"Lr{set}Coef"), lr.Coefficients, rtol, 1e-10, "coefficients");
        Close.One(RefNum($"Lr{set}Intercept"), lr.Intercept, rtol, 1e-10, "intercept");
        Close.All(Ref($"Lr{set}Pred"), lr.Predict(x), 1e-6, 1e-12, "predictions");
        Assert.Equal((int)typeof(R).GetField($"Lr{set}Rank")!.GetValue(null)!, lr.Rank);
    }

    [Fact]
    public void LinearRegressionWithoutIntercept()
    {
        var (x, y) = LinearTestData.Dense();
        var lr = new LinearRegression(fitIntercept: false).Fit(x, y);
        Close.All(R.LrDenseNoInterceptCoef, lr.Coefficients, what: "coefficients");
        Assert.Equal(0, lr.Intercept);
    }

    [Theory]
    [InlineData("Dense", RidgeSolver.Cholesky, 0.5)]
    [InlineData("Dense", RidgeSolver.Svd, 0.5)]
    [InlineData("Ill", RidgeSolver.Svd, 1e-6)]
    [InlineData("Ill", RidgeSolver.Cholesky, 1e-2)]
    [InlineData("Wide", RidgeSolver.Svd, 0.3)]
    [InlineData("Wide", RidgeSolver.Cholesky, 0.3)]
    [InlineData("Collinear", RidgeSolver.Svd, 0.0)]
    [InlineData("Sparse", RidgeSolver.Cholesky, 2.0)]
    public void RidgeMatchesScikitLearn(string set, RidgeSolver solver, double alpha)
    {
        var (x, y) = Data(set);
        var ridge = new Ridge(alpha, solver: solver).Fit(x, y);
        string tag = $"Ridge{set}{solver}";
        Close.All(Ref(tag + "Coef"), ridge.Coefficients, 1e-6, 1e-10, "coefficients");
        Close.One(RefNum(tag + "Intercept"), ridge.Intercept, 1e-6, 1e-10, "intercept");
        Close.All(Ref(tag + "Pred"), ridge.Predict(x), what: "predictions");
    }

    [Fact]
    public void SingularCholeskyFallsBackToTheMinimumNormSvdSolution()
    {
        // XᵀX of the collinear design (column 3 = column 0 + column 1) is singular at α = 0; scikit-learn's LAPACK
        // Cholesky happens to pass its pivots there and returns an arbitrary solution, ours detects the zero pivot and
        // falls back to the SVD solver, whose minimum-norm answer is what scikit-learn's svd solver gives.
        var (x, y) = LinearTestData.Collinear();
        var ridge = new Ridge(0.0, solver: RidgeSolver.Cholesky).Fit(x, y);
        Assert.Equal(RidgeSolver.Svd, ridge.SolverUsed);
        Close.All(R.RidgeCollinearSvdCoef, ridge.Coefficients, 1e-6, 1e-10, "coefficients");
        Close.All(R.RidgeCollinearSvdPred, ridge.Predict(x), what: "predictions");
    }

    [Fact]
    public void RidgeWithoutInterceptAndConjugateGradient()
    {
        var (x, y) = LinearTestData.Dense();
        Close.All(R.RidgeDenseNoInterceptCoef, new Ridge(0.5, fitIntercept: false).Fit(x, y).Coefficients, what: "no-intercept coefficients");
        var cg = new Ridge(0.5, solver: RidgeSolver.ConjugateGradient, tol: 1e-12).Fit(x, y);
        Close.All(R.RidgeDenseCgCoef, cg.Coefficients, what: "CG coefficients");
        Close.One(R.RidgeDenseCgIntercept, cg.Intercept, what: "CG intercept");
        Assert.InRange(cg.Iterations, 1, 50);
    }

    [Fact]
    public void RidgeAcceptsTensors()
    {
        var (x, y) = LinearTestData.Dense();
        var ridge = new Ridge(0.5).Fit(Tensor.FromArray(x), Tensor.FromArray(y));
        Close.All(R.RidgeDenseCholeskyCoef, ridge.Coefficients, what: "coefficients");
        var pred = ridge.Predict(Tensor.FromArray(x));
        Close.All(R.RidgeDenseCholeskyPred, pred.ToDoubleArray(), what: "predictions");
    }

    [Fact]
    public void ManyAlphasFromOneSvd()
    {
        var (x, y) = LinearTestData.Ill();
        var path = Ridge.Path(x, y, R.RidgePathAlphas);
        Close.All(R.RidgePathIllCoef, LinearTestData.Flatten(path.Coefficients), 1e-6, 1e-10, "coefficients");
        Close.All(R.RidgePathIllIntercept, path.Intercepts, what: "intercepts");
    }

    [Theory]
    [InlineData("Dense", RidgeLooMode.Svd)]
    [InlineData("Dense", RidgeLooMode.Covariance)]
    [InlineData("Ill", RidgeLooMode.Svd)]
    [InlineData("Sparse", RidgeLooMode.Svd)]
    [InlineData("Sparse", RidgeLooMode.Covariance)]
    public void RidgeCvLeaveOneOutMatchesScikitLearn(string set, RidgeLooMode mode)
    {
        var (x, y) = Data(set);
        var cv = new RidgeCV(R.RidgeCvAlphas, looMode: mode).Fit(x, y);
        Close.One(RefNum($"RidgeCvLoo{set}Alpha"), cv.Alpha, what: "alpha");
        Close.One(RefNum($"RidgeCvLoo{set}Score"), cv.BestScore, 1e-6, 1e-15, "best score");
        Close.All(Ref($"RidgeCvLoo{set}Coef"), cv.Coefficients, 1e-6, 1e-10, "coefficients");
        Close.One(RefNum($"RidgeCvLoo{set}Intercept"), cv.Intercept, 1e-6, 1e-10, "intercept");
    }

    [Fact]
    public void RidgeCvWideAndKFold()
    {
        var (xw, yw) = LinearTestData.Wide();
        var loo = new RidgeCV(R.RidgeCvAlphas).Fit(xw, yw);
        Close.One(R.RidgeCvLooWideAlpha, loo.Alpha, what: "wide alpha");
        Close.One(R.RidgeCvLooWideScore, loo.BestScore, what: "wide score");
        Close.All(R.RidgeCvLooWideCoef, loo.Coefficients, 1e-6, 1e-10, "wide coefficients");

        var (x, y) = LinearTestData.Dense();
        var kf = new RidgeCV(R.RidgeCvAlphas, cv: 5).Fit(x, y);
        Close.One(R.RidgeCvKFoldDenseAlpha, kf.Alpha, what: "k-fold alpha");
        Close.One(R.RidgeCvKFoldDenseScore, kf.BestScore, what: "k-fold score");
        Close.All(R.RidgeCvKFoldDenseCoef, kf.Coefficients, what: "k-fold coefficients");
        Close.One(R.RidgeCvKFoldDenseIntercept, kf.Intercept, what: "k-fold intercept");
    }
}
