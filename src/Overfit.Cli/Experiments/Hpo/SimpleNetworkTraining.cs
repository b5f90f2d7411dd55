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
/// augmentation; <paramref name="TestTransform"/> runs on every test and validation batch. <paramref name="Validation"/>,
/// when given, is held out of the training images and evaluated after every epoch in place of the test split.
/// </summary>
internal sealed record ImageClassificationData(ImageDataset Train, ImageDataset Test, Func<ulong, ITransform?> TrainTransform, ITransform? TestTransform, string Source,
    ImageDataset? Validation = null)
{
    /// <summary>Inputs per image (channels × height × width), the SimpleNetwork's input size.</summary>
    public int InputSize => Train.Channels * Train.Height * Train.Width;

    /// <summary>Classes the labels range over.</summary>
    public int ClassCount => Train.ClassNames.Count;

    /// <summary>The split evaluated after every epoch: the validation images when held out, else the test split (the chapter's train_model).</summary>
    public ImageDataset EpochSplit => Validation ?? Test;

    /// <summary>"validation" or "test": the name of <see cref="EpochSplit"/> in reports and figures.</summary>
    public string EpochSplitName => Validation is null ? "test" : "validation";
}

/// <summary>The hyperparameters the chapter tunes: Adam's learning rate, the batch size and the hidden layer sizes.</summary>
internal sealed record SimpleNetworkHyperparameters(double LearningRate, int BatchSize, int[] Hidden)
{
    /// <summary>"lr 0.000600, batch 173, hidden 426/197".</summary>
    public override string ToString() => FormattableString.Invariant($"lr {LearningRate:F6}, batch {BatchSize}, hidden {string.Join("/", Hidden)}");
}

/// <summary>
/// What one training run gave: the accuracy on the data's <see cref="ImageClassificationData.EpochSplit"/> after each
/// epoch trained, and the test accuracy after the last one (the result; NaN when the run was stopped early).
/// </summary>
internal sealed record SimpleNetworkRun(IReadOnlyList<double> EpochAccuracies, double TestAccuracy, bool Stopped)
{
    /// <summary>Epochs actually trained.</summary>
    public int Epochs => EpochAccuracies.Count;
}

/// <summary>
/// The chapter's objective of its hyperparameter searches (train_simple_net / train_wrapper): a ReLU SimpleNetwork with
/// the given hidden sizes, trained with Adam at the given learning rate and batch size (cross-entropy, shuffled
/// batches); the target is the test accuracy after the last epoch. After every epoch it evaluates the held-out
/// validation images (or, without them, the test split, as the chapter's train_model prints). As a tuning objective it
/// reports that per-epoch accuracy to the trial (step = epoch, so pruners decide on it, never on the test split) and
/// raises <see cref="TrialPrunedException"/> when the study's pruner says so. Same seed, same numbers.
/// </summary>
internal static class SimpleNetworkTraining
{
    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs; <paramref name="afterEpoch"/> sees (epoch, accuracy on
    /// <see cref="ImageClassificationData.EpochSplit"/>) after each one and returns false to stop there. The test split
    /// is evaluated after the last epoch (every epoch when it is the epoch split), not after a stop.
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
        var perEpoch = new DataLoader(data.EpochSplit, 1000, transform: data.TestTransform);
        var accuracies = new List<double>(epochs);
        bool stopped = false;
        trainer.Callbacks.Add(new EpochEndCallback((t, summary) =>
        {
            double accuracy = t.Evaluate(perEpoch).Accuracy;
            accuracies.Add(accuracy);
            if (afterEpoch is not null && !afterEpoch(summary.Epoch, accuracy) && summary.Epoch < epochs) { t.StopRequested = true; stopped = true; }
        }));
        // No evaluation loader is given to Fit: the callback above evaluates once per epoch instead of twice.
        trainer.Fit(train, null, epochs);
        double test = stopped ? double.NaN
            : data.Validation is null ? accuracies[^1]
            : trainer.Evaluate(new DataLoader(data.Test, 1000, transform: data.TestTransform)).Accuracy;
        return new SimpleNetworkRun(accuracies, test, stopped);
    }

    /// <summary>
    /// Runs <see cref="Train"/> inside <paramref name="trial"/>: reports the accuracy of epoch e on the epoch split
    /// (validation when held out) as the intermediate value at step e, asks the pruner after each epoch and throws
    /// <see cref="TrialPrunedException"/> when told to stop; records the epochs trained in the trial's user attribute
    /// "epochs". Returns the test accuracy after the last epoch.
    /// </summary>
    public static double Objective(Trial trial, ImageClassificationData data, SimpleNetworkHyperparameters hyperparameters, int epochs, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(data);
        bool pruned = false;
        var run = Train(data, hyperparameters, epochs, seed, (epoch, accuracy) =>
        {
            trial.Report(accuracy, epoch);
            pruned = epoch < epochs && trial.ShouldPrune();
            return !pruned;
        });
        trial.SetUserAttr(EpochsAttr, (long)run.Epochs);
        if (pruned) throw new TrialPrunedException($"pruned after epoch {run.Epochs} at {data.EpochSplitName} accuracy {run.EpochAccuracies[^1]:F4}");
        return run.TestAccuracy;
    }

    /// <summary>The trial user attribute holding the epochs a trial trained.</summary>
    public const string EpochsAttr = "epochs";
}
