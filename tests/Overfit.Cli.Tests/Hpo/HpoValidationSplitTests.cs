using System.Text.Json;
using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Data;
using Overfit.Data.Transforms;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Hpo;

/// <summary>
/// The held-out validation split of `overfit hpo`: its size and seed, the per-epoch values (what pruners decide on)
/// coming from it while the trial's value stays the test accuracy, and --validation-fraction 0 as the chapter's setting.
/// </summary>
public sealed class HpoValidationSplitTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    private static readonly HpoBudget Tiny = HpoSearch.Budget(BudgetLevel.Tiny, "FashionMNIST");

    private static ImageClassificationData Fixture(HpoBudget budget)
    {
        var (train, test, source) = HpoFixtures.Load("FashionMNIST", null);
        return HpoSearch.Prepare("FashionMNIST", train, test, budget, source);
    }

    [Theory]
    [InlineData(0.1, 450, 50)]   // the default: ceil(0.1 * 500) held out
    [InlineData(0.25, 375, 125)]
    [InlineData(0.001, 499, 1)]  // rounded up, as scikit-learn's train_test_split: never an empty split
    public void TheSplitHoldsOutTheFractionRoundedUpAndKeepsEveryImageOnce(double fraction, int trainCount, int validationCount)
    {
        var (train, _, _) = HpoFixtures.Load("FashionMNIST", null);
        var data = Fixture(Tiny with { ValidationFraction = fraction });
        Assert.Equal(trainCount, data.Train.Count);
        Assert.Equal(validationCount, data.Validation!.Count);
        Assert.Equal(200, data.Test.Count);
        Assert.Equal("validation", data.EpochSplitName);
        // Together the two parts are the first 500 training images, each once: compare the multisets of image rows.
        static IEnumerable<string> Rows(ImageDataset d) =>
            Enumerable.Range(0, d.Count).Select(i => Convert.ToHexString(d.Pixels.AsSpan(i * 784, 784)) + ":" + d.Labels[i]);
        Assert.Equal(Rows(train.Take(500)).Order(), Rows(data.Train).Concat(Rows(data.Validation)).Order());
        // The split is seeded: the same images every time (every trial, worker, method and seed).
        Assert.Equal(data.Validation.Pixels, Fixture(Tiny with { ValidationFraction = fraction }).Validation!.Pixels);
    }

    [Fact]
    public void FractionZeroTrainsOnEveryImageAndEvaluatesTheTestSplitEachEpoch()
    {
        var data = Fixture(Tiny with { ValidationFraction = 0 });
        Assert.Null(data.Validation);
        Assert.Equal(500, data.Train.Count);
        Assert.Same(data.Test, data.EpochSplit);
        Assert.Equal("test", data.EpochSplitName);
        var run = SimpleNetworkTraining.Train(data, new SimpleNetworkHyperparameters(1e-3, 64, [32, 32]), 2, seed: 5);
        Assert.Equal(run.EpochAccuracies[^1], run.TestAccuracy);
    }

    [Fact]
    public void AFractionThatLeavesNoTrainingImageIsAOneLineError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Fixture(Tiny with { TrainCount = 3, ValidationFraction = 0.9 }));
        Assert.Equal("--validation-fraction: 0.9 of 3 training images leaves none to train on", ExperimentRunner.OneLine(e));
    }

    /// <summary>
    /// The same training images with two evaluation sets: the true labels, and every label moved to the next class
    /// (which a trained network almost never predicts). Which one is the validation split decides what the pruner sees.
    /// </summary>
    private static (ImageClassificationData ValidationGood, ImageClassificationData ValidationBad) SwappedSplits()
    {
        var (train, test, source) = HpoFixtures.Load("FashionMNIST", null);
        var good = test.Take(200);
        var bad = new ImageDataset(good.Pixels, good.Count, 1, 28, 28, [.. good.Labels.Select(l => (l + 1) % 10)], good.ClassNames);
        var scale = new Normalize(0.5, 0.5);
        ImageClassificationData Data(ImageDataset validation, ImageDataset testSplit) => new(train.Take(500), testSplit, _ => scale, scale, source, validation);
        return (Data(good, bad), Data(bad, good));
    }

    [Fact]
    public void ThePrunerDecidesOnTheValidationAccuracyAndTheValueIsTheTestAccuracy()
    {
        var (validationGood, validationBad) = SwappedSplits();
        var hp = new SimpleNetworkHyperparameters(3e-3, 32, [64, 32]);
        const int epochs = 2;
        const ulong seed = 11;
        // Unpruned reference runs: per-epoch accuracy on each validation split, test accuracy after the last epoch.
        var good = SimpleNetworkTraining.Train(validationGood, hp, epochs, seed);
        var bad = SimpleNetworkTraining.Train(validationBad, hp, epochs, seed);
        Assert.True(good.EpochAccuracies[0] > bad.EpochAccuracies[0] + 0.2, $"the fixture separates the splits: {good.EpochAccuracies[0]} vs {bad.EpochAccuracies[0]}");
        // A pruner that stops every trial below the midpoint of the two after epoch 1.
        double threshold = 0.5 * (good.EpochAccuracies[0] + bad.EpochAccuracies[0]);

        FrozenTrial Run(ImageClassificationData data)
        {
            var study = Study.Create(pruner: new ThresholdPruner(lower: threshold), direction: StudyDirection.Maximize);
            study.Optimize(t => SimpleNetworkTraining.Objective(t, data, hp, epochs, seed), nTrials: 1);
            return study.Trials.Single();
        }

        // Good validation accuracy, bad test accuracy: not pruned, and the value is the (bad) test accuracy.
        var kept = Run(validationGood);
        Assert.Equal(TrialState.Complete, kept.State);
        Assert.Equal(good.EpochAccuracies, kept.IntermediateValues.Values);
        Assert.Equal(good.TestAccuracy, kept.Values![0]);
        Assert.True(kept.Values[0] < threshold, "the value comes from the test split, not the validation split");
        // Bad validation accuracy, good test accuracy: pruned after the first epoch on the validation value alone.
        var pruned = Run(validationBad);
        Assert.Equal(TrialState.Pruned, pruned.State);
        Assert.Equal(new[] { bad.EpochAccuracies[0] }, pruned.IntermediateValues.Values);
        Assert.Equal(1L, pruned.UserAttrs[SimpleNetworkTraining.EpochsAttr]);
    }

    [Fact]
    public void TheCommandReportsValidationAccuraciesPerEpochAndTheTestAccuracyAsValue()
    {
        string url = "sqlite:///" + _tmp.Sub("v.db");
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", "--method", "random", "--trials", "2", "--seed", "4",
            "--storage", url, "--study", "v", "--out", _tmp.Sub("v"), "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using (var doc = JsonDocument.Parse(run.Stdout))
        {
            var settings = doc.RootElement.GetProperty("settings");
            Assert.Equal("Fashion-MNIST fixture subset: 450 training, 50 validation and 200 test images", settings.GetProperty("data").GetString());
            Assert.Equal(0.1, settings.GetProperty("validation_fraction").GetDouble());
        }
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_tmp.Sub("v"), "metrics.json")));
        Assert.Equal("validation", metrics.RootElement.GetProperty("metrics").GetProperty("intermediate_split").GetString());
        Assert.Contains(metrics.RootElement.GetProperty("figures").EnumerateArray(),
            f => f.GetProperty("name").GetString() == "hpo-intermediate" && f.GetProperty("caption").GetString()!.StartsWith("Validation accuracy after each epoch", StringComparison.Ordinal));

        // Every trial, retrained here from its stored parameters and seed: validation accuracies per epoch, test accuracy as value.
        var data = Fixture(Tiny);
        using var storage = new RdbStorage(url);
        var trials = Study.Load("v", storage).Trials;
        Assert.Equal(2, trials.Count);
        foreach (var t in trials)
        {
            var again = SimpleNetworkTraining.Train(data, HpoSearch.FromParams(t.Params), Tiny.Epochs, HpoStudyRunner.TrialSeed(4, t.Number));
            Assert.Equal(again.EpochAccuracies, t.IntermediateValues.Values);
            Assert.Equal(again.TestAccuracy, t.Values![0]);
        }
    }

    [Fact]
    public void FractionZeroOnTheCommandLineIsTheChaptersSetting()
    {
        string url = "sqlite:///" + _tmp.Sub("z.db");
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", "--method", "random", "--trials", "1", "--init", "0", "--validation-fraction", "0",
            "--storage", url, "--study", "z", "--out", _tmp.Sub("z"), "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal("Fashion-MNIST fixture subset: 500 training and 200 test images", doc.RootElement.GetProperty("settings").GetProperty("data").GetString());
        using var storage = new RdbStorage(url);
        var trial = Study.Load("z", storage).Trials.Single();
        Assert.Equal(trial.IntermediateValues[Tiny.Epochs], trial.Values![0]); // per-epoch values are test accuracies
    }

    [Theory]
    [InlineData("-0.1")]
    [InlineData("1")]
    [InlineData("1.5")]
    public void BadFractionsAreOneLineErrors(string value)
    {
        string outDir = _tmp.Sub("bad");
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", "--validation-fraction=" + value, "--storage", "sqlite:///" + _tmp.Sub("x.db"), "--out", outDir);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: --validation-fraction: expected a fraction in [0, 1), got {value}", run.Stderr.Trim());
        Assert.False(Directory.Exists(outDir));
        var compare = CliHarness.Run(HpoFixtures.Root(), "hpo", "compare", "--budget", "tiny", "--validation-fraction", value, "--out", outDir, "--json");
        Assert.Equal(1, compare.ExitCode);
        using var doc = JsonDocument.Parse(compare.Stdout);
        Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal($"--validation-fraction: expected a fraction in [0, 1), got {value}", doc.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void ANaNFractionIsRefusedOnTheCommandLine()
    {
        // Every number option of the CLI refuses non-finite values while parsing (ExperimentCommand), before any run folder.
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", "--validation-fraction", "NaN", "--out", _tmp.Sub("nan"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--validation-fraction: expected a finite number, got 'NaN'", run.Stderr);
        Assert.Equal("", run.Stdout);
        Assert.False(Directory.Exists(_tmp.Sub("nan")));
    }
}
