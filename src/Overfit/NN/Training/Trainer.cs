using System.Diagnostics;
using Overfit.Data;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// The chapter's train_model / eval_loop: trains a model over mini-batches, records train and test
/// loss and accuracy <see cref="EvaluationsPerEpoch"/> times per epoch (every ⌊batches/n⌋ batches),
/// runs callbacks, steps an optional learning-rate scheduler per epoch and honours cancellation.
/// Evaluation runs in eval mode and inside a no-grad scope, so it builds no graph.
/// </summary>
public sealed class Trainer
{
    /// <summary>A trainer for <paramref name="model"/>.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="optimizer">Optimizer (default: SGD, lr 1e-3, momentum 0.9, as in the chapter).</param>
    /// <param name="loss">Criterion (default: <see cref="CrossEntropyLoss"/>).</param>
    /// <param name="evaluationsPerEpoch">Recordings of the curves per epoch, ≥ 1 (default 5).</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="evaluationsPerEpoch"/> &lt; 1.</exception>
    public Trainer(Module model, Optimizer? optimizer = null, ILoss? loss = null, int evaluationsPerEpoch = 5)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        if (evaluationsPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(evaluationsPerEpoch), $"evaluationsPerEpoch must be >= 1, got {evaluationsPerEpoch}");
        // The chapter's default optimizer when none is given.
        Optimizer = optimizer ?? new SGD(model.Parameters(), lr: 1e-3, momentum: 0.9);
        Loss = loss ?? new CrossEntropyLoss();
        EvaluationsPerEpoch = evaluationsPerEpoch;
    }

    /// <summary>The model being trained.</summary>
    public Module Model { get; }

    /// <summary>The optimizer stepping the model's parameters.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The training criterion.</summary>
    public ILoss Loss { get; }

    /// <summary>Recordings of the curves per epoch.</summary>
    public int EvaluationsPerEpoch { get; }

    /// <summary>Callbacks run in order at each hook.</summary>
    public List<TrainingCallback> Callbacks { get; } = [];

    /// <summary>Stepped once at the end of every epoch.</summary>
    public LRScheduler? Scheduler { get; set; }

    /// <summary>
    /// When set, gradients are clipped to this joint 2-norm before each step (the step then waits for the whole
    /// backward pass; without clipping each parameter is updated during it, see <see cref="Optimizer.BackwardAndStep"/>).
    /// </summary>
    public double? MaxGradNorm { get; set; }

    /// <summary>Adds <see cref="Module.RegularizationLoss"/> (Keras-style regularizers) to each training loss.</summary>
    public bool AddRegularizationLoss { get; set; } = true;

    /// <summary>Counts correct predictions of a batch; by default chosen from the loss (argmax for class labels, threshold for binary).</summary>
    public Func<Tensor, Batch, int>? CorrectCounter { get; set; }

    /// <summary>When set, the final model is saved there as a safetensors checkpoint (the chapter's train_model saves it).</summary>
    public string? SavePath { get; set; }

    /// <summary>Set by a callback to end training after the current epoch.</summary>
    public bool StopRequested { get; set; }

    /// <summary>Batches per epoch, when known (from the collection's count or the previous epoch).</summary>
    public int? BatchesPerEpoch { get; private set; }

    /// <summary>Trains for <paramref name="epochs"/> epochs; each epoch enumerates <paramref name="train"/> again.</summary>
    public TrainingHistory Fit(IEnumerable<Batch> train, IEnumerable<Batch>? test, int epochs, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Fit(_ => train, test is null ? null : () => test, epochs, cancellation);
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs; <paramref name="trainForEpoch"/> gives the batches of epoch 1, 2, ...</summary>
    public TrainingHistory Fit(Func<int, IEnumerable<Batch>> trainForEpoch, Func<IEnumerable<Batch>>? test, int epochs, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(trainForEpoch);
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"epochs must be >= 0, got {epochs}");
        var history = new TrainingHistory();
        StopRequested = false;
        foreach (var c in Callbacks) c.OnTrainBegin(this);
        long step = 0;
        for (int epoch = 1; epoch <= epochs && !StopRequested; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var batches = trainForEpoch(epoch);
            if (TryCount(batches) is int known) BatchesPerEpoch = known;
            int interval = BatchesPerEpoch is int n ? Math.Max(1, n / EvaluationsPerEpoch) : int.MaxValue;
            var window = new Accumulator();
            var epochTotals = new Accumulator();
            int index = 0;
            bool recordedAtEnd = false;
            Model.Train();
            foreach (var batch in batches)
            {
                if (cancellation.IsCancellationRequested) { history.Cancelled = true; break; }
                var (loss, correct) = TrainStep(batch);
                window.Add(loss, correct, batch.Count);
                epochTotals.Add(loss, correct, batch.Count);
                step++;
                foreach (var c in Callbacks) c.OnBatchEnd(this, epoch, index, loss);
                index++;
                recordedAtEnd = false;
                if (index % interval == 0)
                {
                    Record(history, epoch, index, step, window, test);
                    window = new Accumulator();
                    recordedAtEnd = true;
                }
            }
            if (history.Cancelled) break;
            BatchesPerEpoch = index;
            if (!recordedAtEnd && window.Batches > 0 && history.Entries.Count(e => e.Epoch == epoch) == 0)
                Record(history, epoch, index, step, window, test);
            var eval = test is null ? null : Evaluate(test());
            var summary = new EpochSummary(epoch, epochTotals.MeanLoss, epochTotals.Accuracy, eval?.Loss ?? double.NaN, eval?.Accuracy ?? double.NaN, clock.Elapsed.TotalSeconds);
            history.Epochs.Add(summary);
            foreach (var c in Callbacks) c.OnEpochEnd(this, summary);
            Scheduler?.Step();
            if (StopRequested && epoch < epochs) history.StoppedEarlyAt = epoch;
        }
        foreach (var c in Callbacks) c.OnTrainEnd(this, history);
        if (SavePath is not null && !history.Cancelled) Checkpoint.Save(Model, SavePath);
        return history;
    }

    private void Record(TrainingHistory history, int epoch, int index, long step, Accumulator window, Func<IEnumerable<Batch>>? test)
    {
        var eval = test is null ? null : Evaluate(test());
        double progress = BatchesPerEpoch is int n && n > 0 ? (double)index / n : 1;
        var entry = new HistoryEntry(epoch, epoch - 1 + progress, step, window.MeanLoss, window.Accuracy, eval?.Loss ?? double.NaN, eval?.Accuracy ?? double.NaN);
        history.Entries.Add(entry);
        foreach (var c in Callbacks) c.OnEvaluation(this, entry);
        Model.Train();
    }

    /// <summary>One optimization step on <paramref name="batch"/>; returns its loss and number of correct predictions.</summary>
    public (double Loss, int Correct) TrainStep(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // Gradients are zeroed in place, as torch 1.13's optimizer.zero_grad() in the chapter's train_model, so the
        // backward writes into the same buffers every step instead of allocating them anew.
        bool clip = MaxGradNorm is not null;
        if (clip) Optimizer.ZeroGrad(setToNone: false);
        var output = Model.Forward(batch.Inputs);
        var loss = Loss.Compute(output, batch);
        if (loss.Numel != 1) throw new InvalidOperationException($"the loss must be a scalar for training, got shape {ShapeUtil.Format(loss.ShapeSpan)}: use Reduction.Mean or Sum");
        double value = loss.Item();
        if (AddRegularizationLoss) loss = AddPenalty(loss);
        if (clip)
        {
            // Clipping by the global norm needs every gradient before any update.
            loss.Backward();
            GradientClipping.ClipGradNorm(Model.Parameters(), MaxGradNorm!.Value);
            Optimizer.Step();
        }
        // Otherwise each parameter is updated as soon as its gradient is final, and the zeroing is folded into the
        // backward (each buffer's first contribution overwrites it): the same parameters, bit for bit.
        else Optimizer.BackwardAndStep(loss, zeroGrad: true);
        return (value, CountCorrect(output, batch));
    }

    private Tensor AddPenalty(Tensor loss)
    {
        bool any = false;
        foreach (var (_, m) in Model.NamedModules())
            any |= m.WeightRegularizer is not null || m.BiasRegularizer is not null || m.ActivityRegularizer is not null;
        return any ? loss.Reshape().Add(Model.RegularizationLoss()) : loss;
    }

    /// <summary>The eval_loop: mean loss and accuracy over <paramref name="batches"/>, in eval mode, without building a graph.</summary>
    public EvaluationResult Evaluate(IEnumerable<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        bool wasTraining = Model.Training;
        Model.Eval();
        var acc = new Accumulator();
        using (Autograd.Autograd.NoGrad())
        {
            foreach (var batch in batches)
            {
                var output = Model.Forward(batch.Inputs);
                acc.Add(Loss.Compute(output, batch).Item(), CountCorrect(output, batch), batch.Count);
            }
        }
        Model.Train(wasTraining);
        return new EvaluationResult(acc.MeanLoss, acc.Accuracy, acc.Samples);
    }

    private int CountCorrect(Tensor output, Batch batch)
    {
        if (CorrectCounter is not null) return CorrectCounter(output, batch);
        return Loss switch
        {
            CrossEntropyLoss or NLLLoss when batch.Labels is not null => Accuracy.CountArgMax(output, batch.Labels),
            BCELoss => Accuracy.CountThreshold(output, batch, 0.5),
            BCEWithLogitsLoss => Accuracy.CountThreshold(output, batch, 0.0),
            _ => -1,
        };
    }

    private static int? TryCount(IEnumerable<Batch> batches) => batches switch
    {
        ICollection<Batch> c => c.Count,
        IReadOnlyCollection<Batch> r => r.Count,
        _ => null,
    };

    /// <summary>Sums of losses (per batch) and correct predictions (per sample); accuracy NaN when not applicable.</summary>
    private sealed class Accumulator
    {
        private double _lossSum;
        private long _correct;
        private bool _accuracyApplies = true;

        public int Batches { get; private set; }

        public int Samples { get; private set; }

        public void Add(double loss, int correct, int count)
        {
            _lossSum += loss;
            Batches++;
            Samples += count;
            if (correct < 0) _accuracyApplies = false; else _correct += correct;
        }

        public double MeanLoss => Batches == 0 ? double.NaN : _lossSum / Batches;

        public double Accuracy => !_accuracyApplies || Samples == 0 ? double.NaN : (double)_correct / Samples;
    }
}

/// <summary>Counting correct predictions.</summary>
public static class Accuracy
{
    /// <summary>Rows of [N, C] whose largest entry is at the label.</summary>
    public static int CountArgMax(Tensor output, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(labels);
        var pred = output.Rank == 1 ? output.Unsqueeze(0).ArgMax(1) : output.ArgMax(1);
        if (pred.Length != labels.Length) throw new ArgumentException($"{pred.Length} predictions for {labels.Length} labels", nameof(labels));
        int correct = 0;
        for (int i = 0; i < pred.Length; i++) if (pred[i] == labels[i]) correct++;
        return correct;
    }

    /// <summary>Binary predictions (output &gt; threshold) that equal the 0/1 targets (or labels).</summary>
    public static int CountThreshold(Tensor output, Batch batch, double threshold)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(batch);
        var o = output.ToDoubleArray();
        double[] t = batch.Targets?.ToDoubleArray() ?? batch.Labels?.Select(l => (double)l).ToArray()
            ?? throw new ArgumentException("the batch has neither Targets nor Labels", nameof(batch));
        if (t.Length != o.Length) throw new ArgumentException($"{o.Length} outputs for {t.Length} targets", nameof(batch));
        int correct = 0;
        for (int i = 0; i < o.Length; i++) if ((o[i] > threshold) == (t[i] > 0.5)) correct++;
        return correct;
    }
}
