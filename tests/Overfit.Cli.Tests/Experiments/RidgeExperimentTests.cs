using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Experiments;

public class RidgeExperimentTests
{
    [Fact]
    public void RidgeShrinksTheCoefficientsAsAlphaGrows()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("ridge"), "ridge");
        run.AssertFigure("ridge");
        run.AssertFigure("ridge-validation-curve");
        Assert.Equal([0.0, 0.1, 10], run.Numbers("alphas"));
        var norms = run.Numbers("coefficient_norm");
        Assert.True(norms[0] > norms[1] && norms[1] > norms[2], $"coefficient norm must fall as alpha grows, got [{string.Join(", ", norms)}]");
        // make_pipeline(PolynomialFeatures(10), Ridge(alpha)) on np.random.seed(42)'s data, from
        // tests/fixtures/reference/cli/cli_experiments_reference.py (Debian python3-sklearn 1.2.1). The raw powers of x reach
        // 5^10, so agreement is to the conditioning of the normal equations, not to round-off.
        ChapterExperimentRun.AssertClose(0.5963910399814532, norms[1], 1e-6, "alpha 0.1 coefficient norm");
        ChapterExperimentRun.AssertClose(0.08974406044660423, norms[2], 1e-6, "alpha 10 coefficient norm");
        // The penalty trades training fit for smaller weights; alpha 0 is least squares again.
        var trainMse = run.Numbers("train_mse");
        Assert.True(trainMse[0] <= trainMse[1] && trainMse[1] <= trainMse[2]);
        ChapterExperimentRun.AssertClose(run.Number("least_squares_train_mse"), trainMse[0], 1e-6, "alpha 0 against polyfit");
    }

    [Fact]
    public void ValidationCurveShowsTrainingErrorFallingBelowValidationError()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("ridge"), "ridge", "--max-degree", "8");
        var degrees = run.Numbers("curve_degrees");
        Assert.Equal(Enumerable.Range(1, 8).Select(d => (double)d), degrees);
        var train = run.Numbers("curve_least_squares_train_mse");
        var validation = run.Numbers("curve_least_squares_validation_mse");
        // Least squares on nested features: each degree fits its training folds at least as well as the last.
        for (int i = 1; i < train.Length; i++) Assert.True(train[i] <= train[i - 1] + 1e-12, $"train MSE rose at degree {degrees[i]}");
        Assert.True(validation[^1] > train[^1], "held-out error must exceed training error at the highest degree");
        Assert.InRange(run.Number("best_degree_by_validation"), 1, 8);
    }

    [Fact]
    public void LassoZeroesCoefficients()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("lasso"), "ridge", "--model", "lasso", "--alphas", "0.1", "10", "--max-degree", "3");
        Assert.Equal("lasso", run.Metrics.GetProperty("model").GetString());
        var nonzero = run.Numbers("nonzero_coefficients");
        Assert.True(nonzero[1] < 10, $"lasso with alpha 10 must zero some of the 10 coefficients, got {nonzero[1]} nonzero");
        var norms = run.Numbers("coefficient_norm");
        Assert.True(norms[1] < norms[0]);
    }

    [Fact]
    public void ElasticNetRecordsItsMixingRatio()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("enet"), "ridge", "--model", "elasticnet", "--l1-ratio", "0.3", "--alphas", "1", "--max-degree", "2");
        Assert.Equal(0.3, run.Document.GetProperty("settings").GetProperty("l1_ratio").GetDouble());
        Assert.Single(run.Numbers("coefficient_norm"));
    }

    [Theory]
    [InlineData(new[] { "--model", "svm" }, "svm")]
    [InlineData(new[] { "--alphas", "-1" }, "--alphas")]
    [InlineData(new[] { "--l1-ratio", "2" }, "--l1-ratio: expected a value in [0, 1], got 2")]
    [InlineData(new[] { "--max-degree", "40" }, "--max-degree: expected a degree in [1, 20], got 40")]
    public void WrongOptionsFailWithAReason(string[] options, string message)
    {
        using var folder = new TempFolder();
        Assert.Contains(message, ChapterExperimentRun.Failing(folder.Sub("ridge"), ["ridge", .. options]));
    }
}
