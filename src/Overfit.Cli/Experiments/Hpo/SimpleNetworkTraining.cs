using Overfit.Data;
using Overfit.Data.Transforms;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;
using Overfit.Tuning;

namespace Overfit.Cli.Experiments;

/// <summary>
/// Images to classify with their input transforms: <paramref name="TrainTransform"/> builds, from a run's seed, the
/// transform of every training batch (seeded augmentation and normalization), so each run draws its own reproducible
/// augmentation; <paramref name="TestTransform"/> runs on every test batch.
/// </summary>
internal sealed record ImageClassificationData(ImageDataset Train, ImageDataset Test, Func<ulong, ITransform?> TrainTransform, ITransform? TestTransform, string Source)
{
    /// <summary>Inputs per image (channels × height × width), the SimpleNetwork's input size.</summary>
    public int InputSize => Train.Channels * Train.Height * Train.Width;

    /// <summary>Classes the labels range over.</summary>
    public int ClassCount => Train.ClassNames.Count;
}

/// <summary>The hyperparameters the chapter tunes: Adam's learning rate, the batch size and the hidden layer sizes.</summary>
internal sealed record SimpleNetworkHyperparameters(double LearningRate, int BatchSize, int[] Hidden)
{
    /// <summary>"lr 0.000600, batch 173, hidden 426/197".</summary>
    public override string ToString() => FormattableString.Invariant($"lr {LearningRate:F6}, batch {BatchSize}, hidden {string.Join("/", Hidden)}");
}

/// <summary>What one training run gave: the test accuracy after each epoch trained (the last one is the result).</summary>
internal sealed record SimpleNetworkRun(IReadOnlyList<double> TestAccuracies, bool Stopped)
{
    /// <summary>Test accuracy after the last epoch trained (NaN when none was).</summary>
    public double FinalAccuracy => TestAccuracies.Count == 0 ? double.NaN : TestAccuracies[^1];

    /// <summary>Epochs actually trained.</summary>
    public int Epochs => TestAccuracies.Count;
}

/// <summary>
/// The chapter's objective of its hyperparameter searches (train_simple_net / train_wrapper): a ReLU SimpleNetwork with
/// the given hidden sizes, trained with Adam at the given learning rate and batch size (cross-entropy, shuffled
/// batches), evaluated on the test split after every epoch; the target is the test accuracy of the last epoch. As a
/// tuning objective it reports each epoch's accuracy to the trial (step = epoch, so pruners can stop it) and raises
/// <see cref="TrialPrunedException"/> when the study's pruner says so. Same seed, same numbers.
/// </summary>
internal static class SimpleNetworkTraining
{
    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs; <paramref name="afterEpoch"/> sees (epoch, test accuracy) after each
    /// one and returns false to stop there.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">epochs below 1, a batch size below 1, a non-positive or non-finite learning rate</exception>
    public static SimpleNetworkRun Train(ImageClassificationData data, SimpleNetworkHyperparameters hyperparameters, int epochs, ulong seed,
        Func<int, double, bool>? afterEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"epochs: expected at least 1, got {epochs}");
        if (hyperparameters.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(hyperparameters), hyperparameters.BatchSize, $"batch size: expected at least 1, got {hyperparameters.BatchSize}");
        if (!(hyperparameters.LearningRate > 0) || !double.IsFinite(hyperparameters.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(hyperparameters), hyperparameters.LearningRate, $"learning rate: expected a finite positive number, got {hyperparameters.LearningRate}");
        var model = new SimpleNetwork(new ReLU(), inputSize: data.InputSize, numLabels: data.ClassCount, hidden: hyperparameters.Hidden, generator: new Generator(seed));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: hyperparameters.LearningRate), new CrossEntropyLoss(), evaluationsPerEpoch: 1);
        var train = new DataLoader(data.Train, hyperparameters.BatchSize, shuffle: true, seed: unchecked(seed + 1), transform: data.TrainTransform(unchecked(seed + 2)));
        // Evaluation batches only bound memory; their size does not change the accuracy.
        var test = new DataLoader(data.Test, 1000, transform: data.TestTransform);
        var accuracies = new List<double>(epochs);
        bool stopped = false;
        trainer.Callbacks.Add(new EpochEndCallback((t, summary) =>
        {
            double accuracy = t.Evaluate(test).Accuracy;
            accuracies.Add(accuracy);
            if (afterEpoch is not null && !afterEpoch(summary.Epoch, accuracy) && summary.Epoch < epochs) { t.StopRequested = true; stopped = true; }
        }));
        // No test loader is given to Fit: the callback above evaluates once per epoch instead of twice.
        trainer.Fit(train, null, epochs);
        return new SimpleNetworkRun(accuracies, stopped);
    }

    /// <summary>
    /// Runs <see cref="Train"/> inside <paramref name="trial"/>: reports the test accuracy of epoch e as the intermediate
    /// value at step e, asks the pruner after each epoch and throws <see cref="TrialPrunedException"/> when told to stop;
    /// records the epochs trained in the trial's user attribute "epochs". Returns the last epoch's test accuracy.
    /// </summary>
    public static double Objective(Trial trial, ImageClassificationData data, SimpleNetworkHyperparameters hyperparameters, int epochs, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(trial);
        bool pruned = false;
        var run = Train(data, hyperparameters, epochs, seed, (epoch, accuracy) =>
        {
            trial.Report(accuracy, epoch);
            pruned = epoch < epochs && trial.ShouldPrune();
            return !pruned;
        });
        trial.SetUserAttr(EpochsAttr, (long)run.Epochs);
        if (pruned) throw new TrialPrunedException($"pruned after epoch {run.Epochs} at accuracy {run.FinalAccuracy:F4}");
        return run.FinalAccuracy;
    }

    /// <summary>The trial user attribute holding the epochs a trial trained.</summary>
    public const string EpochsAttr = "epochs";
}
