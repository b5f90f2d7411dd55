namespace Overfit.NN;

/// <summary>
/// One recording of the training curves: train loss and accuracy averaged over the batches since the
/// previous recording, test loss and accuracy over the whole test set (NaN without test data or
/// where accuracy does not apply).
/// </summary>
public sealed record HistoryEntry(int Epoch, double EpochProgress, long Step, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy);

/// <summary>Per-epoch summary handed to callbacks.</summary>
public sealed record EpochSummary(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double Seconds);

/// <summary>Loss and accuracy of a model over a data set.</summary>
public sealed record EvaluationResult(double Loss, double Accuracy, int Count);

/// <summary>What <see cref="Trainer.Fit(System.Func{int, System.Collections.Generic.IEnumerable{Overfit.Data.Batch}}, System.Func{System.Collections.Generic.IEnumerable{Overfit.Data.Batch}}?, int, System.Threading.CancellationToken)"/> returns.</summary>
public sealed class TrainingHistory
{
    /// <summary>Every recording of the curves, in order.</summary>
    public List<HistoryEntry> Entries { get; } = [];

    /// <summary>One summary per completed epoch.</summary>
    public List<EpochSummary> Epochs { get; } = [];

    /// <summary>True when training ended because the cancellation token fired.</summary>
    public bool Cancelled { get; internal set; }

    /// <summary>Epoch after which a callback (e.g. early stopping) stopped training; null when all epochs ran.</summary>
    public int? StoppedEarlyAt { get; internal set; }
}
