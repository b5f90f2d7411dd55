using System.Globalization;
using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Experiments;

public class GpExperimentTests
{
    [Fact]
    public void BikeRouteBandClosesAtTheRecordsAndTheMeanPassesThroughThem()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("bike"), "gp", "bike-route");
        run.AssertFigure("gp-bike-route");
        foreach (var tag in new[] { "five", "eight" })
        {
            Assert.True(run.Number($"{tag}_max_abs_residual_at_records") < 1e-9, $"{tag}: the noiseless mean must interpolate the records");
            Assert.True(run.Number($"{tag}_max_std_at_records") < 1e-6, $"{tag}: the band must close at the records");
        }
        // More records between 0 and 10 min leave less room for doubt.
        Assert.True(run.Number("five_max_band_width") > 1.0);
        Assert.True(run.Number("eight_max_band_width") < run.Number("five_max_band_width"));

        var rows = run.CsvRows("bike-route-predictions.csv");
        Assert.Equal(["gps_points", "time_min", "mean_km", "std_km", "lower_km", "upper_km"], rows[0]);
        Assert.Equal(201, rows.Length);
        // The chapter's NumPy code (K_* K^-1 y), from tests/fixtures/reference/cli/cli_experiments_reference.py (numpy 1.24.2).
        double[] five = [2.571786230774906, 2.951534568914807, 0.7072336586851535];
        double[] eight = [2.192732867875649, 3.0348336573304975, -0.008895669529155326];
        int[] indices = [25, 50, 75];
        for (int k = 0; k < indices.Length; k++)
        {
            ChapterExperimentRun.AssertClose(five[k], Parse(rows[1 + indices[k]][2]), 1e-9, $"5-point mean at index {indices[k]}");
            ChapterExperimentRun.AssertClose(eight[k], Parse(rows[101 + indices[k]][2]), 1e-9, $"8-point mean at index {indices[k]}");
        }
    }

    [Fact]
    public void BikeRouteRejectsANonPositiveLengthScale()
    {
        using var folder = new TempFolder();
        Assert.Contains("--length-scale: expected a positive number of minutes, got 0",
            ChapterExperimentRun.Failing(folder.Sub("bike"), "gp", "bike-route", "--length-scale", "0"));
    }

    [Fact]
    public void RegressOnOneInputColumnWritesGridPredictionsAndAFigure()
    {
        using var folder = new TempFolder();
        var csv = WriteCsv(folder, "one.csv", "time,noise,signal", 25, i => [i * 0.4, (i * 7 % 5) * 0.01, Math.Sin(i * 0.4) + (i * 7 % 5) * 0.01]);
        var run = ChapterExperimentRun.Succeeding(folder.Sub("gp1"), "gp", "regress", "--csv", csv, "--x", "time", "--y", "signal", "--grid", "40", "--restarts", "1");
        run.AssertFigure("gp-regress");
        Assert.True(run.Metrics.GetProperty("figure").GetBoolean());
        Assert.Equal("signal", run.Metrics.GetProperty("target").GetString());
        Assert.True(run.Number("train_rmse") < 0.1, $"a smooth signal must be fitted closely, got RMSE {run.Number("train_rmse")}");
        var rows = run.CsvRows("predictions.csv");
        Assert.Equal(["time", "mean", "std", "lower_95", "upper_95"], rows[0]);
        Assert.Equal(41, rows.Length);
        ChapterExperimentRun.AssertClose(0, Parse(rows[1][0]), 1e-12, "first grid point");
        ChapterExperimentRun.AssertClose(24 * 0.4, Parse(rows[^1][0]), 1e-12, "last grid point");
        foreach (var row in rows.Skip(1))
        {
            double mean = Parse(row[1]), std = Parse(row[2]);
            Assert.True(std > 0);
            ChapterExperimentRun.AssertClose(mean - 1.959963984540054 * std, Parse(row[3]), 1e-9, "lower band");
        }
    }

    [Fact]
    public void RegressOnTwoInputsPredictsAtTheTrainingRowsWithoutAFigure()
    {
        using var folder = new TempFolder();
        var csv = WriteCsv(folder, "two.csv", "a,b,y", 20, i => [i % 5, i / 5, (i % 5) * 0.5 - (i / 5) * 0.3]);
        var run = ChapterExperimentRun.Succeeding(folder.Sub("gp2"), "gp", "regress", "--csv", csv, "--x", "0,1", "--y", "y", "--kernel", "rbf", "--restarts", "0");
        Assert.False(run.Metrics.GetProperty("figure").GetBoolean());
        Assert.Empty(run.Document.GetProperty("figures").EnumerateArray());
        var rows = run.CsvRows("predictions.csv");
        Assert.Equal(["a", "b", "y", "mean", "std", "lower_95", "upper_95"], rows[0]);
        Assert.Equal(21, rows.Length);
        Assert.True(run.Number("train_rmse") < 0.05, $"a linear surface must be fitted closely, got RMSE {run.Number("train_rmse")}");
    }

    [Fact]
    public void RegressWithoutACsvRunsOnTheDemoData()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("demo"), "gp", "regress", "--restarts", "0");
        Assert.True(File.Exists(Path.Combine(run.Directory, "demo-data.csv")));
        run.AssertFigure("gp-regress");
        // y = sin(x) + 0.1 noise: the fit should track the sine to about the noise level.
        Assert.True(run.Number("train_rmse") < 0.2);
    }

    [Theory]
    [InlineData(new[] { "--csv", "missing.csv" }, "--csv: expected an existing CSV file")]
    [InlineData(new[] { "--y", "nope" }, "--y: expected a column name among [x, y]")]
    [InlineData(new[] { "--x", "y", "--y", "y" }, "--x: expected input columns other than the target 'y'")]
    [InlineData(new[] { "--kernel", "linear" }, "linear")]
    [InlineData(new[] { "--grid", "1" }, "--grid: expected a number of points >= 2")]
    public void RegressRejectsWrongOptionsWithAReason(string[] options, string message)
    {
        using var folder = new TempFolder();
        var args = options.Select(o => o == "missing.csv" ? folder.Sub("missing.csv") : o).ToArray();
        Assert.Contains(message, ChapterExperimentRun.Failing(folder.Sub("gp"), ["gp", "regress", "--restarts", "0", .. args]));
    }

    [Fact]
    public void RegressRejectsAGridForSeveralInputs()
    {
        using var folder = new TempFolder();
        var csv = WriteCsv(folder, "two.csv", "a,b,y", 6, i => [i, i * i, i]);
        Assert.Contains("--grid: expected exactly one input column, got 2",
            ChapterExperimentRun.Failing(folder.Sub("gp"), "gp", "regress", "--csv", csv, "--grid", "10"));
    }

    private static string WriteCsv(TempFolder folder, string name, string header, int rows, Func<int, double[]> row)
    {
        var lines = new List<string> { header };
        for (int i = 0; i < rows; i++) lines.Add(string.Join(",", row(i).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        var path = folder.Sub(name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static double Parse(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);
}
