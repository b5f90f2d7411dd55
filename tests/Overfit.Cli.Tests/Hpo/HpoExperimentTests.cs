using System.Text.Json;
using Overfit.Cli.Experiments;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Data.Sources;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Hpo;

/// <summary>`overfit hpo` on the fixture subsets: the study, its per-epoch reports, the table, figures, JSON and resuming.</summary>
public sealed class HpoExperimentTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    private static readonly string[] FigureNames = ["hpo-best-so-far", "hpo-parallel-coordinates", "hpo-slices", "hpo-importance", "hpo-intermediate"];

    [Fact]
    public void RunsTheStudyReportsEveryEpochAndResumesWhenRerun()
    {
        string url = "sqlite:///" + _tmp.Sub("hpo.db");
        string[] Args(int trials, string outDir) =>
            ["hpo", "--budget", "tiny", "--method", "tpe", "--trials", trials.ToString(), "--init", "2", "--storage", url, "--study", "s", "--out", outDir, "--json"];
        var first = CliHarness.Run(HpoFixtures.Root(), Args(2, _tmp.Sub("a")));
        Assert.True(first.ExitCode == 0, first.Stderr);
        using (var doc = JsonDocument.Parse(first.Stdout))
        {
            var row = doc.RootElement.GetProperty("rows")[0];
            Assert.Equal("tpe", row.GetProperty("method").GetString());
            Assert.Equal(2, row.GetProperty("trials").GetDouble());
            Assert.Equal(4, row.GetProperty("epochs_spent").GetDouble()); // 2 trials x 2 epochs (tiny)
            var p = row.GetProperty("best_params");
            Assert.InRange(p.GetProperty("batch_size").GetInt32(), 64, 256);
            Assert.InRange(p.GetProperty("hidden1").GetInt32(), 32, 512);
            Assert.Equal(_tmp.Sub("a"), doc.RootElement.GetProperty("run_dir").GetString());
        }
        FrozenTrial[] before;
        using (var storage = new RdbStorage(url))
        {
            before = [.. Study.Load("s", storage).Trials];
            Assert.All(before, t =>
            {
                Assert.Equal(TrialState.Complete, t.State);
                Assert.Equal(new[] { 1, 2 }, t.IntermediateValues.Keys);
                Assert.All(t.IntermediateValues.Values, v => Assert.InRange(v, 0, 1)); // validation accuracies (HpoValidationSplitTests)
                Assert.InRange(t.Values![0], 0, 1);
            });
        }

        var second = CliHarness.Run(HpoFixtures.Root(), Args(4, _tmp.Sub("b")));
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("resuming study 's': 2 of 4 trials were already finished", second.Stderr);
        using (var storage = new RdbStorage(url))
        {
            var after = Study.Load("s", storage).Trials;
            Assert.Equal(4, after.Count(t => t.State == TrialState.Complete));
            for (int i = 0; i < before.Length; i++) Assert.Equal(before[i].Values, after[i].Values);
        }
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_tmp.Sub("b"), "metrics.json")));
        Assert.Equal(FigureNames, metrics.RootElement.GetProperty("figures").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        foreach (var name in FigureNames) Assert.True(File.Exists(Path.Combine(_tmp.Sub("b"), name + ".png")), name);
        Assert.Equal(4, metrics.RootElement.GetProperty("rows")[0].GetProperty("trials").GetDouble());
        // A third run has nothing left to do and changes nothing.
        var third = CliHarness.Run(HpoFixtures.Root(), Args(4, _tmp.Sub("c")));
        Assert.Equal(0, third.ExitCode);
        using (var storage = new RdbStorage(url)) Assert.Equal(4, Study.Load("s", storage).Trials.Count);
    }

    [Fact]
    public void Cifar100RunsFromTheCifarFormatFixture()
    {
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "--dataset", "cifar100", "--budget", "tiny", "--method", "random", "--trials", "2", "--epochs", "1",
            "--storage", "sqlite:///" + _tmp.Sub("c.db"), "--out", _tmp.Sub("c"), "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Contains("CIFAR-100-format fixture: 180 training, 20 validation and 100 test images", doc.RootElement.GetProperty("settings").GetProperty("data").GetString());
        var p = doc.RootElement.GetProperty("rows")[0].GetProperty("best_params");
        Assert.InRange(p.GetProperty("hidden1").GetInt32(), 64, 512);   // bayes_opt's CIFAR-100 pbounds
        Assert.InRange(p.GetProperty("hidden2").GetInt32(), 32, 256);
    }

    [Theory]
    [InlineData("--dataset", "MNIST", "--dataset: expected one of FashionMNIST, CIFAR100, got 'MNIST'")]
    [InlineData("--method", "sgd", "--method: expected one of bayesopt, botorch, tpe, random, grid, qmc, got 'sgd'")]
    [InlineData("--pruner", "early", "--pruner: expected one of none, median, asha, hyperband, got 'early'")]
    [InlineData("--trials", "1", "--trials: expected at least --init (2) trials, got 1")]
    [InlineData("--workers", "0", "--workers: expected at least 1, got 0")]
    public void BadOptionsAreOneLineErrorsAndLeaveNoRunFolder(string option, string value, string message)
    {
        BadOptionIsOneLineErrorAndLeavesNoRunFolder(option, value, message);
    }

    [Fact]
    public void MoreWorkersThanTrialsOrCoresAreRefusedBeforeAnyProcessStarts()
    {
        // The tiny budget has 4 trials; the core limit only bites on machines with fewer than 2 cores.
        int most = Math.Min(4, 4 * Environment.ProcessorCount);
        BadOptionIsOneLineErrorAndLeavesNoRunFolder("--workers", "100000",
            $"--workers: expected at most {most} (the trial count and 4 processes per core of this machine's {Environment.ProcessorCount}), got 100000");
    }

    private void BadOptionIsOneLineErrorAndLeavesNoRunFolder(string option, string value, string message)
    {
        string outDir = _tmp.Sub("bad");
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", option, value, "--storage", "sqlite:///" + _tmp.Sub("x.db"), "--out", outDir);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: " + message, run.Stderr.Trim());
        Assert.False(Directory.Exists(outDir));
        var json = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", option, value, "--storage", "sqlite:///" + _tmp.Sub("x.db"), "--out", outDir, "--json");
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void AnUnwritableStorageAndAMissingDatasetAreOneLineErrors()
    {
        var storage = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", "--storage", "sqlite:///" + _tmp.Sub("no/such/dir/x.db"), "--out", _tmp.Sub("s"));
        Assert.Equal(1, storage.ExitCode);
        Assert.StartsWith("error: --storage: cannot open", storage.Stderr);
        Assert.Contains("does not exist", storage.Stderr);
        Assert.Single(storage.Stderr.Trim().Split('\n'));

        // A quick run needs the real data: the data locator's message, on one line.
        var nowhere = new DataLocator([new DataRoot(_tmp.Sub("empty"), DataRootKind.Explicit)], cacheRoot: null);
        HpoDataLoader missing = (_, _) => throw new DataNotFoundException(nowhere.Locate(DatasetCatalog.Cifar100));
        var data = CliHarness.Run(HpoFixtures.Root(missing), "hpo", "--dataset", "CIFAR100", "--budget", "quick", "--storage", "sqlite:///" + _tmp.Sub("m.db"), "--out", _tmp.Sub("m"));
        Assert.Equal(1, data.ExitCode);
        Assert.StartsWith("error: dataset CIFAR100 was not found. Looked in:", data.Stderr);
        Assert.Single(data.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void ResumingWithOtherSettingsIsRefused()
    {
        string url = "sqlite:///" + _tmp.Sub("r.db");
        Assert.Equal(0, CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", "--method", "random", "--trials", "1", "--init", "0", "--epochs", "1", "--storage", url, "--study", "r", "--out", _tmp.Sub("r1")).ExitCode);
        var other = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", "--method", "random", "--trials", "1", "--init", "0", "--epochs", "2", "--storage", url, "--study", "r", "--out", _tmp.Sub("r2"));
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("--study: study 'r' holds trials of another search", other.Stderr);
    }
}
