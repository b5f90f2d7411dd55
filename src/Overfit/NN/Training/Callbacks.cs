namespace Overfit.NN;

/// <summary>Hooks into the training loop; override what you need. Set <see cref="Trainer.StopRequested"/> to stop.</summary>
public abstract class TrainingCallback
{
    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin(Trainer trainer) { }

    /// <summary>Called after every optimizer step with the batch's training loss.</summary>
    public virtual void OnBatchEnd(Trainer trainer, int epoch, int batchIndex, double loss) { }

    /// <summary>Called after every recording of the training curves.</summary>
    public virtual void OnEvaluation(Trainer trainer, HistoryEntry entry) { }

    /// <summary>Called at the end of every epoch.</summary>
    public virtual void OnEpochEnd(Trainer trainer, EpochSummary summary) { }

    /// <summary>Called once after training, also when stopped early.</summary>
    public virtual void OnTrainEnd(Trainer trainer, TrainingHistory history) { }
}

/// <summary>Calls a delegate at the end of each epoch.</summary>
public sealed class EpochEndCallback(Action<Trainer, EpochSummary> action) : TrainingCallback
{
    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochSummary summary) => action(trainer, summary);
}

/// <summary>A one-line text progress bar per epoch, redrawn with carriage returns.</summary>
public sealed class ProgressBar(TextWriter writer, int width = 30) : TrainingCallback
{
    private int _batchesInEpoch;
    private int _lastDrawn = -1;

    /// <inheritdoc/>
    public override void OnBatchEnd(Trainer trainer, int epoch, int batchIndex, double loss)
    {
        _batchesInEpoch = Math.Max(_batchesInEpoch, batchIndex + 1);
        int total = trainer.BatchesPerEpoch ?? 0;
        int filled = total > 0 ? (int)((long)(batchIndex + 1) * width / total) : 0;
        if (filled == _lastDrawn && batchIndex + 1 != total) return;
        _lastDrawn = filled;
        string bar = total > 0 ? new string('#', filled).PadRight(width, '.') : $"{batchIndex + 1} batches";
        writer.Write(FormattableString.Invariant($"\repoch {epoch} [{bar}] loss {loss:F4}"));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(Trainer trainer, EpochSummary summary)
    {
        _lastDrawn = -1;
        writer.WriteLine(FormattableString.Invariant($"\repoch {summary.Epoch}: train loss {summary.TrainLoss:F4} acc {summary.TrainAccuracy:F4}, test loss {summary.TestLoss:F4} acc {summary.TestAccuracy:F4} ({summary.Seconds:F1} s)"));
    }
}

/// <summary>
/// Stops training when the monitored metric (test loss by default) has not improved by more than
/// <c>minDelta</c> for <c>patience</c> epochs, or, when built with an <see cref="IStoppingCriterion"/>, when that
/// criterion (Prechelt's GL_α, PQ_α, UP_s) fires on the train/test loss history; with <c>restoreBest</c> the best
/// epoch's weights are loaded back at the end.
/// </summary>
public sealed class EarlyStopping : TrainingCallback
{
    private Dictionary<string, Tensors.Tensor>? _bestState;
    private int _wait;
    private readonly List<double> _trainLoss = [];
    private readonly List<double> _testLoss = [];
    private readonly List<int> _epochs = [];

    /// <summary>
    /// Stops when <paramref name="criterion"/> fires on the history of train loss (mean over the epoch's batches) and test
    /// loss; the best epoch is the one with the lowest test loss.
    /// </summary>
    /// <param name="criterion">The stopping rule, e.g. <c>new GeneralizationLossCriterion(5)</c>.</param>
    /// <param name="restoreBest">Load the lowest-test-loss epoch's weights back at the end (default true).</param>
    public EarlyStopping(IStoppingCriterion criterion, bool restoreBest = true) : this(patience: 0, restoreBest: restoreBest)
    {
        Criterion = criterion ?? throw new ArgumentNullException(nameof(criterion));
    }

    /// <summary>Early stopping (like keras.callbacks.EarlyStopping).</summary>
    /// <param name="patience">Epochs without improvement tolerated (default 10).</param>
    /// <param name="minDelta">Smallest change that counts as an improvement.</param>
    /// <param name="restoreBest">Load the best epoch's weights at the end.</param>
    /// <param name="monitor">Metric of an epoch (default: test loss).</param>
    /// <param name="maximize">True when a larger metric is better.</param>
    /// <exception cref="ArgumentOutOfRangeException">patience or minDelta is negative.</exception>
    public EarlyStopping(int patience = 10, double minDelta = 0, bool restoreBest = true, Func<EpochSummary, double>? monitor = null, bool maximize = false)
    {
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"patience must be >= 0, got {patience}");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), $"minDelta must be >= 0, got {minDelta}");
        Patience = patience;
        MinDelta = minDelta;
        RestoreBest = restoreBest;
        Monitor = monitor ?? (s => s.TestLoss);
        Maximize = maximize;
    }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBest { get; }

    /// <summary>The monitored metric.</summary>
    public Func<EpochSummary, double> Monitor { get; }

    /// <summary>True when a larger metric is better.</summary>
    public bool Maximize { get; }

    /// <summary>The stopping rule when built with one; null for the patience rule.</summary>
    public IStoppingCriterion? Criterion { get; }

    /// <summary>The epoch after which <see cref="Criterion"/> stopped training; null when it did not fire.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>Best monitored value so far.</summary>
    public double BestValue { get; private set; }

    /// <summary>Epoch of <see cref="BestValue"/> (0 before any).</summary>
    public int BestEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(Trainer trainer)
    {
        BestValue = Maximize ? double.NegativeInfinity : double.PositiveInfinity;
        BestEpoch = 0;
        _wait = 0;
        _bestState = null;
        StoppedEpoch = null;
        _trainLoss.Clear();
        _testLoss.Clear();
        _epochs.Clear();
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The monitored value is NaN (e.g. no test data).</exception>
    public override void OnEpochEnd(Trainer trainer, EpochSummary summary)
    {
        double value = Monitor(summary);
        if (double.IsNaN(value))
            throw new InvalidOperationException($"EarlyStopping: the monitored value is NaN at epoch {summary.Epoch} (no test data given to Fit, or the loss diverged)");
        bool improved = Maximize ? value > BestValue + MinDelta : value < BestValue - MinDelta;
        if (improved)
        {
            BestValue = value;
            BestEpoch = summary.Epoch;
            _wait = 0;
            if (RestoreBest) _bestState = trainer.Model.StateDictSnapshot();
        }
        if (Criterion is not null)
        {
            _trainLoss.Add(summary.TrainLoss);
            _testLoss.Add(summary.TestLoss);
            _epochs.Add(summary.Epoch);
            if (Criterion.ShouldStop(new LossHistory(_trainLoss, _testLoss, _epochs)))
            {
                StoppedEpoch = summary.Epoch;
                trainer.StopRequested = true;
            }
            return;
        }
        if (!improved && ++_wait >= Patience) trainer.StopRequested = true;
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(Trainer trainer, TrainingHistory history)
    {
        if (RestoreBest && _bestState is not null) trainer.Model.LoadStateDict(_bestState);
    }
}
