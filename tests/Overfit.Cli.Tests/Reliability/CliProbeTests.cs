using System.Globalization;
using System.Text.Json;
using Overfit.Cli.Infrastructure;
using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Reliability;

/// <summary>Probes of the command line that once misbehaved: each must fail on one line of stderr, or succeed cleanly.</summary>
public class CliProbeTests
{
    private static string WriteCsv(TempFolder folder, string name, int rows, Func<int, (double X, double Y)> row)
    {
        var path = folder.Sub(name);
        using var writer = new StreamWriter(path);
        writer.WriteLine("x,y");
        for (int i = 0; i < rows; i++)
        {
            var (x, y) = row(i);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{x:R},{y:R}"));
        }
        return path;
    }

    [Fact]
    public void AnArgumentErrorLeavesNoRunFolderAndNoDotNetSuffix()
    {
        using var temp = new TempFolder();
        var outDir = temp.Sub("never-created");
        var run = CliHarness.Run("gp", "regress", "--grid", "-3", "--out", outDir, "--budget", "tiny");
        Assert.Equal(CommandGuard.FailureExitCode, run.ExitCode);
        Assert.Equal("error: --grid: expected a number of points >= 2 (or 0 for the training inputs), got -3", run.Stderr.Trim());
        Assert.False(Directory.Exists(outDir), "a run refused for its arguments must not leave a folder");
    }

    [Fact]
    public void OneLineDropsTheParameterAndActualValueSuffixes()
    {
        var range = new ArgumentOutOfRangeException("batchSize", 0, "batchSize must be positive, got 0");
        Assert.Equal("batchSize must be positive, got 0", ExperimentRunner.OneLine(range));
        Assert.Equal("x must be finite", ExperimentRunner.OneLine(new ArgumentException("x must be finite", "x")));
    }

    [Theory]
    [InlineData("batchnorm", "--bogus", "--json")]
    [InlineData("batchnorm", "--gamma", "NaN", "--json")]
    [InlineData("batchnorm", "--beta", "-Infinity", "--json")]
    [InlineData("gp", "regress", "--grid", "many", "--json")]
    public void ParseErrorsKeepStdoutValidJsonAndSendHelpToStderr(params string[] args)
    {
        var run = CliHarness.Run(args);
        Assert.NotEqual(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout); // exactly one JSON document, no help text
        Assert.Equal("failed", json.RootElement.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("error").GetString()));
        Assert.Contains("--seed", run.Stderr); // the help went to standard error
    }

    [Fact]
    public void NonFiniteNumberOptionsAreRefusedNamingTheValue()
    {
        var run = CliHarness.Run("batchnorm", "--gamma", "NaN", "--budget", "tiny");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--gamma: expected a finite number, got 'NaN'", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void ExactGpRefusesTooManyRowsBeforeAllocating()
    {
        using var temp = new TempFolder();
        // 65,537 rows once wrapped n·n in int and crashed with AccessViolationException; now the guard refuses up front.
        var csv = WriteCsv(temp, "big.csv", 65_537, i => (i * 1e-3, Math.Sin(i * 1e-3)));
        var outDir = temp.Sub("gp");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var run = CliHarness.Run("gp", "regress", "--csv", csv, "--out", outDir, "--json");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(CommandGuard.FailureExitCode, run.ExitCode);
        string error = run.Stderr.Trim().Split('\n')[^1];
        Assert.StartsWith("error: x: GaussianProcessRegressor does exact inference on at most 10,000 rows (MaxRows), got 65,537", error);
        Assert.Contains("(64 GB)", error);
        Assert.Contains("overfit gp regress --method sparse --inducing M", error);
        // Reading the CSV costs tens of MB; one 65,537² matrix would be 32 GB.
        Assert.True(allocated < 1L << 30, $"allocated {allocated:N0} bytes before refusing");
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("failed", json.RootElement.GetProperty("status").GetString());
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void AHugeGridIsRefused()
    {
        using var temp = new TempFolder();
        var csv = WriteCsv(temp, "small.csv", 10, i => (i, i * 0.5));
        var run = CliHarness.Run("gp", "regress", "--csv", csv, "--grid", "100000000", "--out", temp.Sub("gp"));
        Assert.Contains("--grid: expected at most 1,000,000 points, got 100,000,000", run.Stderr);
    }

    [Fact]
    public void NonFiniteCsvCellsNameTheRowLikeEveryOtherCsvMessage()
    {
        using var temp = new TempFolder();
        var csv = WriteCsv(temp, "nan.csv", 5, i => (i, i == 1 ? double.NaN : i));
        var run = CliHarness.Run("gp", "regress", "--csv", csv, "--out", temp.Sub("gp"));
        Assert.Contains("nan.csv: row 2 (line 3), column 'y' expected a finite number, got 'NaN'", run.Stderr);
    }

    [Fact]
    public void TargetsNear1e308FitWithoutNaNOrFailNamingTheRow()
    {
        using var temp = new TempFolder();
        var csv = WriteCsv(temp, "huge.csv", 12, i => (i, (i % 2 == 0 ? 1 : -1) * 1.5e308 * (0.5 + i / 24.0)));
        var run = CliHarness.Run("gp", "regress", "--csv", csv, "--restarts", "0", "--out", temp.Sub("gp"));
        // The standardized fit is finite; its 95% band is not a double, and the message says so instead of a NaN CSV.
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--y: the 95% band of 'y' at row", run.Stderr);
        Assert.DoesNotContain("NaN", run.Stderr);
        var fine = WriteCsv(temp, "large.csv", 12, i => (i, (i % 2 == 0 ? 1 : -1) * 1e300 * (0.5 + i / 24.0)));
        var ok = CliHarness.Run("gp", "regress", "--csv", fine, "--restarts", "0", "--out", temp.Sub("gp2"));
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.DoesNotContain("NaN", File.ReadAllText(Path.Combine(temp.Sub("gp2"), "predictions.csv")));
    }

    [Fact]
    public void GpProgressShowsLikelihoodEvaluations()
    {
        using var temp = new TempFolder();
        var csv = WriteCsv(temp, "sine.csv", 30, i => (i * 0.3, Math.Sin(i * 0.3)));
        var run = CliHarness.Run("gp", "regress", "--csv", csv, "--restarts", "1", "--out", temp.Sub("gp"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Matches(@"fitting the Gaussian process: start 1/2, \d+ LML evaluations, best ", run.Stdout);
        Assert.Contains("fitting the Gaussian process: 2/2 (100%)", run.Stdout);
    }
}
