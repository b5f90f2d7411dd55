using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Experiments;

public class PolyfitExperimentTests
{
    [Fact]
    public void FitsTheChaptersDegreesAndFlagsDegree21AsPoorlyConditioned()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("polyfit"), "polyfit");
        run.AssertFigure("polyfit");
        Assert.Equal([1.0, 3, 21], run.Numbers("degrees"));
        var trainMse = run.Numbers("train_mse");
        // numpy.polyfit on np.random.seed(42)'s noisy sine, from tests/fixtures/reference/cli/cli_experiments_reference.py
        // (Debian python3-numpy 1.24.2).
        ChapterExperimentRun.AssertClose(0.07485918414620543, trainMse[0], 1e-12, "degree 1 train MSE");
        ChapterExperimentRun.AssertClose(0.01427309555846501, trainMse[1], 1e-12, "degree 3 train MSE");
        Assert.True(trainMse[2] < trainMse[1] && trainMse[1] < trainMse[0], $"train MSE must fall with the degree, got [{string.Join(", ", trainMse)}]");
        Assert.Equal([false, false, true], run.Flags("poorly_conditioned"));
        Assert.True(run.Metrics.GetProperty("any_poorly_conditioned").GetBoolean());
        // The warning reaches the console and metrics.json, and names the well-conditioned alternative.
        Assert.Contains(run.Notes, n => n.Contains("degree 21") && n.Contains("poorly conditioned") && n.Contains("FitChebyshev"));
        Assert.Contains("poorly conditioned", run.Invocation.Stdout);
        Assert.False(run.Metrics.GetProperty("chebyshev_poorly_conditioned").GetBoolean());
        Assert.Equal(22, run.Number("chebyshev_rank"));
    }

    [Fact]
    public void WellConditionedDegreesLeaveNoWarning()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("polyfit"), "polyfit", "--degrees", "2", "5", "--seed", "7");
        Assert.Equal([2.0, 5], run.Numbers("degrees"));
        Assert.Empty(run.Notes);
        Assert.Equal([false, false], run.Flags("poorly_conditioned"));
    }

    [Theory]
    [InlineData("70", "--degrees: expected degrees in [0, 69]")]
    [InlineData("-1", "--degrees: expected degrees in [0, 69]")]
    public void ADegreeTheDataCannotDetermineFailsWithAReason(string degree, string message)
    {
        using var folder = new TempFolder();
        Assert.Contains(message, ChapterExperimentRun.Failing(folder.Sub("polyfit"), "polyfit", "--degrees", degree));
    }

    [Fact]
    public void AnUnknownOptionFails()
    {
        using var folder = new TempFolder();
        Assert.Contains("--degree", ChapterExperimentRun.Failing(folder.Sub("polyfit"), "polyfit", "--degree", "3"));
    }
}
