using System.Text.Json;
using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;

namespace Overfit.Cli.Tests.Infrastructure;

public class BatchNormExperimentTests
{
    // The chapter's batch: numpy.random.seed(42); numpy.random.rand(50, 2) * 10, produced by
    // tests/fixtures/reference/cli/cli_batchnorm_data.py with the Debian package python3-numpy 1.24.2.
    private static readonly double[] ChapterBatch =
    [
        3.745401188473625, 9.50714306409916, 7.319939418114051, 5.986584841970366,
        1.5601864044243652, 1.5599452033620265, 0.5808361216819946, 8.661761457749352,
        6.011150117432088, 7.080725777960454, 0.20584494295802447, 9.699098521619943,
        8.324426408004218, 2.1233911067827616, 1.8182496720710062, 1.8340450985343382,
        3.0424224295953772, 5.247564316322379, 4.319450186421157, 2.9122914019804194,
        6.118528947223795, 1.3949386065204183, 2.9214464853521815, 3.663618432936917,
        4.56069984217036, 7.851759613930136, 1.9967378215835974, 5.142344384136116,
        5.924145688620425, 0.46450412719997725, 6.075448519014383, 1.7052412368729153,
        0.6505159298527952, 9.488855372533333, 9.656320330745594, 8.08397348116461,
        3.0461376917337066, 0.9767211400638387, 6.842330265121569, 4.4015249373960135,
        1.2203823484477883, 4.951769101112702, 0.34388521115218396, 9.093204020787821,
        2.587799816000169, 6.62522284353982, 3.1171107608941098, 5.200680211778108,
        5.4671027934327965, 1.8485445552552704, 9.695846277645586, 7.7513282336111455,
        9.394989415641891, 8.948273504276488, 5.978999788110851, 9.218742350231167,
        0.884925020519195, 1.959828624191452, 0.45227288910538066, 3.2533033076326436,
        3.8867728968948203, 2.713490317738959, 8.287375091519294, 3.567533266935893,
        2.8093450968738076, 5.426960831582485, 1.4092422497476265, 8.021969807540398,
        0.7455064367977082, 9.868869366005173, 7.722447692966574, 1.987156815341724,
        0.05522117123602399, 8.154614284548341, 7.068573438476172, 7.2900716804098735,
        7.712703466859457, 0.7404465173409036, 3.5846572854427263, 1.1586905952512971,
        8.631034258755935, 6.232981268275579, 3.308980248526492, 0.6355835028602363,
        3.109823217156622, 3.2518332202674705, 7.29606178338064, 6.3755747135521315,
        8.872127425763265, 4.722149251619493, 1.195942459383017, 7.13244787222995,
        7.607850486168974, 5.612771975694963, 7.70967179954561, 4.937955963643907,
        5.227328293819941, 4.275410183585496, 0.2541912674409519, 1.0789142699330445,
    ];

    private static FeatureSample ChapterSource(int seed)
    {
        var features = new double[50, 2];
        Buffer.BlockCopy(ChapterBatch, 0, features, 0, ChapterBatch.Length * sizeof(double));
        return new FeatureSample(features, "the chapter's batch");
    }

    private static JsonElement Metrics(CliInvocation run, string outDir)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        return doc.RootElement.GetProperty("metrics").Clone();
    }

    private static double[] Values(JsonElement metrics, string name) =>
        metrics.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void ReproducesTheChaptersPrintedStatisticsOnTheChaptersBatch()
    {
        using var folder = new TempFolder();
        var root = new System.CommandLine.Command("overfit");
        ExperimentCommand.AddAll(root, [new BatchNormExperiment(ChapterSource)]);
        var outDir = folder.Sub("bn");
        var metrics = Metrics(CliHarness.Run(root, "batchnorm", "--out", outDir, "--budget", "tiny"), outDir);

        // Printed by the chapter: Mean [4.40716778 4.99644709], Variance [8.89458134 8.45478364],
        // normalized variance [0.99999888 0.99999882], scaled variance [3.9999955 3.99999527].
        AssertClose([4.40716778, 4.99644709], Values(metrics, "original_mean"), 1e-8);
        AssertClose([8.89458134, 8.45478364], Values(metrics, "original_variance"), 1e-8);
        AssertClose([0, 0], Values(metrics, "normalized_mean"), 1e-12);
        AssertClose([0.99999888, 0.99999882], Values(metrics, "normalized_variance"), 1e-8);
        AssertClose([1, 1], Values(metrics, "scaled_mean"), 1e-12);
        AssertClose([3.9999955, 3.99999527], Values(metrics, "scaled_variance"), 1e-7);
        Assert.True(new FileInfo(Path.Combine(outDir, "batchnorm.png")).Length > 10_000);
        Assert.True(new FileInfo(Path.Combine(outDir, "batchnorm.svg")).Length > 10_000);
    }

    [Fact]
    public void GammaAndBetaOptionsSetTheScaledStatistics()
    {
        using var folder = new TempFolder();
        var outDir = folder.Sub("bn");
        var metrics = Metrics(CliHarness.Run("batchnorm", "--out", outDir, "--gamma", "3", "--beta", "-1", "--seed", "5"), outDir);
        var variance = Values(metrics, "original_variance");
        AssertClose([-1, -1], Values(metrics, "scaled_mean"), 1e-12);
        // Biased variance of gamma * (x - mean) / sqrt(var + eps) is gamma^2 var / (var + eps).
        AssertClose(variance.Select(v => 9 * v / (v + BatchNormExperiment.Epsilon)).ToArray(), Values(metrics, "scaled_variance"), 1e-10);
        AssertClose(variance.Select(v => v / (v + BatchNormExperiment.Epsilon)).ToArray(), Values(metrics, "normalized_variance"), 1e-12);
    }

    [Fact]
    public void ADataSourceOfTheWrongShapeFailsWithAReason()
    {
        using var folder = new TempFolder();
        var root = new System.CommandLine.Command("overfit");
        ExperimentCommand.AddAll(root, [new BatchNormExperiment(_ => new FeatureSample(new double[4, 3], "wrong"))]);
        var run = CliHarness.Run(root, "batchnorm", "--out", folder.Sub("bn"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("expected features of shape [n, 2], got [4, 3]", run.Stderr);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance})");
    }
}
