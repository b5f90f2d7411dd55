namespace Overfit.NN;

/// <summary>Hooks into the training loop; override what you need. Set <see cref="Trainer.StopRequested"/> to stop.</summary>
public abstract class TrainingCallback
{
    public virtual void OnTrainBegin(Trainer trainer) { }

    public virtual void OnBatchEnd(Trainer trainer, int epoch, int batchIndex, double loss) { }

    public virtual void OnEvaluation(Trainer trainer, HistoryEntry entry) { }

    public virtual void OnEpochEnd(Trainer trainer, EpochSummary summary) { }

    public virtual void OnTrainEnd(Trainer trainer, TrainingHistory history) { }
}

/// <summary>Calls a delegate at the end of each epoch.</summary>
public sealed class EpochEndCallback(Action<Trainer, EpochSummary> action) : TrainingCallback
{
    public override void OnEpochEnd(Trainer trainer, EpochSummary summary) => action(trainer, summary);
}

/// <summary>A one-line text progress bar per epoch, redrawn with carriage returns.</summary>
public sealed class ProgressBar(TextWriter writer, int width = 30) : TrainingCallback
{
    private int _batchesInEpoch;
    private int _lastDrawn = -1;

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

    public int Patience { get; }

    public double MinDelta { get; }

    public bool RestoreBest { get; }

    public Func<EpochSummary, double> Monitor { get; }

    public bool Maximize { get; }

    /// <summary>The stopping rule when built with one; null for the patience rule.</summary>
    public IStoppingCriterion? Criterion { get; }

    /// <summary>The epoch after which <see cref="Criterion"/> stopped training; null when it did not fire.</summary>
    public int? StoppedEpoch { get; private set; }

    public double BestValue { get; private set; }

    public int BestEpoch { get; private set; }

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

    public override void OnTrainEnd(Trainer trainer, TrainingHistory history)
    {
        if (RestoreBest && _bestState is not null) trainer.Model.LoadStateDict(_bestState);
    }
}
