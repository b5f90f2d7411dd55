using System.Globalization;

namespace Overfit.NN;

/// <summary>
/// A recorded training history, one entry per epoch: training and validation loss (and optionally accuracy), the input of
/// Prechelt's early-stopping criteria (<see cref="StoppingCriteria"/>) and of <see cref="OverfittingReport"/>. Losses must
/// be finite and non-negative (errors in Prechelt's sense); a NaN names its epoch.
/// </summary>
public sealed class LossHistory
{
    /// <summary>Builds a history; <paramref name="epochs"/> defaults to 1, 2, …, n.</summary>
    /// <param name="trainLoss">Training loss per epoch (length n ≥ 1), finite and ≥ 0.</param>
    /// <param name="validationLoss">Validation loss per epoch (length n), finite and ≥ 0.</param>
    /// <param name="epochs">Epoch numbers, strictly increasing (default 1..n).</param>
    /// <param name="trainAccuracy">Optional training accuracy per epoch (length n; NaN allowed).</param>
    /// <param name="validationAccuracy">Optional validation accuracy per epoch (length n; NaN allowed).</param>
    /// <exception cref="ArgumentException">Empty or unequal lengths, a NaN, infinite or negative loss, or epochs not increasing.</exception>
    public LossHistory(IReadOnlyList<double> trainLoss, IReadOnlyList<double> validationLoss, IReadOnlyList<int>? epochs = null,
        IReadOnlyList<double>? trainAccuracy = null, IReadOnlyList<double>? validationAccuracy = null)
    {
        ArgumentNullException.ThrowIfNull(trainLoss);
        ArgumentNullException.ThrowIfNull(validationLoss);
        if (trainLoss.Count == 0) throw new ArgumentException("trainLoss: expected at least one epoch, got an empty history", nameof(trainLoss));
        if (validationLoss.Count != trainLoss.Count)
            throw new ArgumentException($"validationLoss: expected {trainLoss.Count} epochs like trainLoss, got {validationLoss.Count}", nameof(validationLoss));
        Epochs = epochs?.ToArray() ?? Enumerable.Range(1, trainLoss.Count).ToArray();
        if (Epochs.Count != trainLoss.Count) throw new ArgumentException($"epochs: expected {trainLoss.Count} epoch numbers, got {Epochs.Count}", nameof(epochs));
        for (int i = 1; i < Epochs.Count; i++)
            if (Epochs[i] <= Epochs[i - 1])
                throw new ArgumentException($"epochs: expected strictly increasing epoch numbers, got {Epochs[i - 1]} then {Epochs[i]}", nameof(epochs));
        TrainLoss = CheckLosses(trainLoss, nameof(trainLoss), "training");
        ValidationLoss = CheckLosses(validationLoss, nameof(validationLoss), "validation");
        TrainAccuracy = CheckOptional(trainAccuracy, nameof(trainAccuracy), trainLoss.Count);
        ValidationAccuracy = CheckOptional(validationAccuracy, nameof(validationAccuracy), trainLoss.Count);
    }

    /// <summary>Number of epochs recorded.</summary>
    public int Count => TrainLoss.Count;

    /// <summary>Epoch number of each entry.</summary>
    public IReadOnlyList<int> Epochs { get; }

    /// <summary>Training loss per epoch.</summary>
    public IReadOnlyList<double> TrainLoss { get; }

    /// <summary>Validation loss per epoch.</summary>
    public IReadOnlyList<double> ValidationLoss { get; }

    /// <summary>Training accuracy per epoch, when recorded.</summary>
    public IReadOnlyList<double>? TrainAccuracy { get; }

    /// <summary>Validation accuracy per epoch, when recorded.</summary>
    public IReadOnlyList<double>? ValidationAccuracy { get; }

    /// <summary>The first <paramref name="count"/> epochs (what a callback has seen after epoch <paramref name="count"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> outside 1..<see cref="Count"/>.</exception>
    public LossHistory Take(int count)
    {
        if (count < 1 || count > Count) throw new ArgumentOutOfRangeException(nameof(count), $"count: expected 1..{Count}, got {count}");
        if (count == Count) return this;
        return new LossHistory(TrainLoss.Take(count).ToArray(), ValidationLoss.Take(count).ToArray(), Epochs.Take(count).ToArray(),
            TrainAccuracy?.Take(count).ToArray(), ValidationAccuracy?.Take(count).ToArray());
    }

    /// <summary>The per-epoch history of a <see cref="Trainer"/> run (train loss during training, test loss as validation).</summary>
    /// <exception cref="ArgumentException">The run had no test data (validation losses are NaN) or no epochs.</exception>
    public static LossHistory FromTraining(TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var epochs = history.Epochs;
        return new LossHistory(epochs.Select(e => e.TrainLoss).ToArray(), epochs.Select(e => e.TestLoss).ToArray(), epochs.Select(e => e.Epoch).ToArray(),
            epochs.Select(e => e.TrainAccuracy).ToArray(), epochs.Select(e => e.TestAccuracy).ToArray());
    }

    private double[] CheckLosses(IReadOnlyList<double> losses, string name, string what)
    {
        var copy = losses.ToArray();
        for (int i = 0; i < copy.Length; i++)
        {
            double v = copy[i];
            if (double.IsNaN(v))
                throw new ArgumentException($"{name}: the {what} loss at epoch {Epochs[i]} is NaN (the loss diverged or was not recorded); the overfitting criteria need finite losses", name);
            if (!double.IsFinite(v) || v < 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}: expected a finite loss >= 0 at epoch {Epochs[i]}, got {v}"), name);
        }
        return copy;
    }

    private static double[]? CheckOptional(IReadOnlyList<double>? values, string name, int count)
    {
        if (values is null) return null;
        if (values.Count != count) throw new ArgumentException($"{name}: expected {count} epochs like the losses, got {values.Count}", name);
        return values.ToArray();
    }
}
