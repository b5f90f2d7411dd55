using System.CommandLine;
using System.Text.Json;
using Overfit.Cli.Experiments;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Data.Sources;
using Overfit.NN;
using Overfit.Tests.Data;

namespace Overfit.Cli.Tests.Experiments;

public class LandscapeExperimentTests
{
    private static readonly string[] ChapterPopt = ["4.59165436", "0.34582255", "-0.03204057", "-1.09810435", "1.54530407"];

    [Fact]
    public void TrajectoriesPrintTheChaptersEndpointsAndLosses()
    {
        // The chapter's printed output (SGD lr 0.1, momentum 0.7, 200 iterations from (-1, 1)) for its popt; the offset
        // 6.50069 follows from its printed first loss 4.7671, so the losses agree to the printed 4 decimals (±1e-4).
        (double Wd, double X, double Y, double Loss)[] printed =
            [(0, 0.3458, -0.0320, 1.9090), (6, 0.1327, -0.0077, 1.9952), (10, 0.0935, -0.0051, 2.0293), (18, 0.0587, -0.0030, 2.0641), (20, 0.0537, -0.0027, 2.0694)];
        var run = CliHarness.Run(["landscape", "trajectories", "--popt", .. ChapterPopt, "--offset", "6.50069", "--json"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var list = doc.RootElement.GetProperty("trajectories").EnumerateArray().ToArray();
        Assert.Equal(printed.Length, list.Length);
        for (int i = 0; i < printed.Length; i++)
        {
            var t = list[i];
            Assert.Equal(printed[i].Wd, t.GetProperty("weight_decay").GetDouble());
            ChapterExperimentRun.AssertClose(4.7671, t.GetProperty("first_loss").GetDouble(), 1e-4, "first loss");
            var w = t.GetProperty("final_w").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            ChapterExperimentRun.AssertClose(printed[i].X, w[0], 1e-4, $"wd {printed[i].Wd} x");
            ChapterExperimentRun.AssertClose(printed[i].Y, w[1], 1e-4, $"wd {printed[i].Wd} y");
            ChapterExperimentRun.AssertClose(printed[i].Loss, t.GetProperty("final_loss").GetDouble(), 1e-4, $"wd {printed[i].Wd} loss");
        }
        var human = CliHarness.Run(["landscape", "trajectories", "--popt", .. ChapterPopt, "--offset", "6.50069", "--weight-decays", "6"]);
        Assert.Equal(0, human.ExitCode);
        Assert.Contains("[0.1327, -0.0077]", human.Stdout);
    }

    [Fact]
    public void TrajectoriesRejectBadOptionsOnStandardError()
    {
        var run = CliHarness.Run(["landscape", "trajectories", "--popt", .. ChapterPopt, "--offset", "6.5", "--iters", "0", "--json"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--iters", run.Stderr);
        Assert.Equal("", run.Stdout.Trim());
    }

    [Fact]
    public void LandscapeOnTheFixtureSubsetWritesSpectrumSurfaceFitAndFiles()
    {
        using var folder = new TempFolder();
        var store = new DatasetStore(DataLocator.CreateDefault(DataFixtures.FashionMnistDirectory), allowDownload: false);
        var experiment = new LandscapeExperiment(_ => new LandscapeData(store.Load(DataFixtures.FashionMnistSubset, true), store.Load(DataFixtures.FashionMnistSubset, false), "fixture subset"));
        var root = new Command("overfit");
        ExperimentCommand.AddAll(root, [experiment]);
        var outDir = folder.Sub("first");
        var invocation = CliHarness.Run(root, "landscape", "--out", outDir, "--budget", "tiny", "--json");
        Assert.True(invocation.ExitCode == 0, invocation.Stderr);
        using var printed = JsonDocument.Parse(invocation.Stdout);
        Assert.Equal(outDir, printed.RootElement.GetProperty("run_dir").GetString());
        var m = printed.RootElement.GetProperty("metrics");
        var top = m.GetProperty("top_eigenvalues").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(2, top.Length);
        Assert.True(top[0] > 0 && top[0] >= top[1] - 1e-3 * top[0], $"top eigenvalues {top[0]}, {top[1]}");
        Assert.True(double.IsFinite(m.GetProperty("trace").GetDouble()));
        Assert.Equal(5, m.GetProperty("popt").GetArrayLength());
        Assert.Equal(5, m.GetProperty("trajectories").GetArrayLength());
        var weights = m.GetProperty("density_weights").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.All(weights, w => Assert.True(w >= 0));
        Assert.Equal(1.0, weights.Sum(), 6);
        foreach (var f in new[] { "landscape-weight-decay", "landscape-surface", "landscape-density" })
            Assert.True(File.Exists(Path.Combine(outDir, f + ".png")), f);

        var batch = Checkpoint.Read(Path.Combine(outDir, "batch.safetensors")).Tensors;
        Assert.Equal([256, 784], batch["x"].Shape);
        Assert.Equal([256], batch["y"].Shape);
        var model = Checkpoint.Read(Path.Combine(outDir, "model.safetensors")).Tensors;
        Assert.Equal([256, 784], model["layers.0.weight"].Shape);
        Assert.Equal([10, 64], model["layers.8.weight"].Shape);

        // Loading the written model reproduces the spectrum (same seed, same batch).
        var again = folder.Sub("loaded");
        var second = CliHarness.Run(root, "landscape", "--out", again, "--budget", "tiny", "--json", "--model", Path.Combine(outDir, "model.safetensors"));
        Assert.True(second.ExitCode == 0, second.Stderr);
        using var doc2 = JsonDocument.Parse(second.Stdout);
        var top2 = doc2.RootElement.GetProperty("metrics").GetProperty("top_eigenvalues").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(top[0], top2[0], 4);
    }

    [Fact]
    public void WithoutFashionMnistATinyRunUsesLabelledStandInImagesAndLargerBudgetsFail()
    {
        using var folder = new TempFolder();
        var missing = new LandscapeExperiment(_ => throw new DataNotFoundException(new LocateResult(DatasetCatalog.FashionMnist, null, [])));
        var root = new Command("overfit");
        ExperimentCommand.AddAll(root, [missing]);
        var tiny = CliHarness.Run(root, "landscape", "--out", folder.Sub("tiny"), "--budget", "tiny", "--json");
        Assert.True(tiny.ExitCode == 0, tiny.Stderr);
        using var printed = JsonDocument.Parse(tiny.Stdout);
        var record = File.ReadAllText(Path.Combine(folder.Sub("tiny"), "metrics.json"));
        Assert.Contains("stand-in", record);
        Assert.Contains("Fashion-MNIST was not found", record);
        Assert.Equal(2, printed.RootElement.GetProperty("metrics").GetProperty("top_eigenvalues").GetArrayLength());

        var quick = CliHarness.Run(root, "landscape", "--out", folder.Sub("quick"), "--budget", "quick", "--json");
        Assert.NotEqual(0, quick.ExitCode);
        Assert.Contains("FashionMNIST was not found", quick.Stdout + quick.Stderr);
    }
}
