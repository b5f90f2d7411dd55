using System.Globalization;
using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Experiments;

/// <summary><c>gp regress --method sparse --inducing M</c>: the inducing-point regressor behind the same command.</summary>
public class GpRegressSparseTests
{
    private static string WriteCsv(TempFolder folder, int rows)
    {
        var lines = new List<string> { "a,b,y" };
        for (int i = 0; i < rows; i++)
        {
            double a = (i * 37 % 101) / 10.0, b = (i * 53 % 97) / 10.0;
            double y = Math.Sin(a) + 0.5 * Math.Cos(b) + 0.05 * ((i * 7 % 11) - 5) / 5.0;
            lines.Add(string.Join(",", new[] { a, b, y }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        var path = folder.Sub("data.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void SparseFitReportsTheBoundAndTracksTheSurface()
    {
        using var folder = new TempFolder();
        var csv = WriteCsv(folder, 200);
        var run = ChapterExperimentRun.Succeeding(folder.Sub("sparse"), "gp", "regress", "--csv", csv, "--y", "y", "--method", "sparse", "--inducing", "40");
        Assert.Equal("sparse", run.Metrics.GetProperty("method").GetString());
        Assert.Equal(40, run.Metrics.GetProperty("inducing").GetInt32());
        Assert.True(double.IsFinite(run.Number("elbo")));
        Assert.True(run.Number("train_rmse") < 0.1, $"a smooth surface must be fitted closely, got RMSE {run.Number("train_rmse")}");
        var rows = run.CsvRows("predictions.csv");
        Assert.Equal(["a", "b", "y", "mean", "std", "lower_95", "upper_95"], rows[0]);
        Assert.Equal(201, rows.Length);
    }

    [Fact]
    public void TheSparseBoundStaysBelowTheExactLikelihoodOnTheSameData()
    {
        using var folder = new TempFolder();
        var csv = WriteCsv(folder, 120);
        var exact = ChapterExperimentRun.Succeeding(folder.Sub("exact"), "gp", "regress", "--csv", csv, "--y", "y", "--restarts", "0");
        var sparse = ChapterExperimentRun.Succeeding(folder.Sub("sparse"), "gp", "regress", "--csv", csv, "--y", "y", "--method", "sparse", "--inducing", "30");
        Assert.Equal("exact", exact.Metrics.GetProperty("method").GetString());
        // The bound is at most the exact LML at its own hyperparameters, hence at most the exact maximum.
        Assert.True(sparse.Number("elbo") <= exact.Number("log_marginal_likelihood") + 1e-6,
            $"bound {sparse.Number("elbo")} above the exact optimum {exact.Number("log_marginal_likelihood")}");
    }

    [Theory]
    [InlineData(new[] { "--method", "lanczos" }, "--method: expected exact or sparse, got 'lanczos'")]
    [InlineData(new[] { "--method", "sparse", "--inducing", "0" }, "--inducing: expected a number of inducing points between 1 and the number of rows (20), got 0")]
    [InlineData(new[] { "--method", "sparse", "--inducing", "21" }, "--inducing: expected a number of inducing points between 1 and the number of rows (20), got 21")]
    [InlineData(new[] { "--inducing", "5" }, "--inducing: applies only with --method sparse, got 5 with --method exact")]
    public void BadSparseOptionsAreRejectedWithAReason(string[] options, string message)
    {
        using var folder = new TempFolder();
        var csv = WriteCsv(folder, 20);
        Assert.Contains(message, ChapterExperimentRun.Failing(folder.Sub("gp"), ["gp", "regress", "--csv", csv, "--y", "y", .. options]));
    }
}
