using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Experiments;

public class BatchNormDefaultDataTests
{
    [Fact]
    public void TheDefaultCommandPrintsTheChaptersStatistics()
    {
        using var folder = new TempFolder();
        // No --seed: the default 42 is the chapter's np.random.seed(42).
        var run = ChapterExperimentRun.Succeeding(folder.Sub("bn"), "batchnorm");
        run.AssertFigure("batchnorm");
        // Printed by the chapter: Mean [4.40716778 4.99644709], Variance [8.89458134 8.45478364].
        double[] mean = run.Numbers("original_mean"), variance = run.Numbers("original_variance");
        ChapterExperimentRun.AssertClose(4.40716778, mean[0], 1e-8, "mean of feature 1");
        ChapterExperimentRun.AssertClose(4.99644709, mean[1], 1e-8, "mean of feature 2");
        ChapterExperimentRun.AssertClose(8.89458134, variance[0], 1e-8, "variance of feature 1");
        ChapterExperimentRun.AssertClose(8.45478364, variance[1], 1e-8, "variance of feature 2");
        Assert.Contains("4.40717", run.Invocation.Stdout);
        Assert.Contains("8.45478", run.Invocation.Stdout);
        Assert.Contains("np.random.seed", run.Document.GetProperty("settings").GetProperty("data").GetString());
    }

    [Fact]
    public void AnotherSeedDrawsAnotherBatch()
    {
        using var folder = new TempFolder();
        var run = ChapterExperimentRun.Succeeding(folder.Sub("bn"), "batchnorm", "--seed", "3");
        Assert.True(Math.Abs(run.Numbers("original_mean")[0] - 4.40716778) > 1e-3);
    }
}
