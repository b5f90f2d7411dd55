using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data;
using Overfit.Data.Synthetic;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit regularize</c>: one small network (30-64-64-1, ReLU) trained on the dropout experiment's
/// synthetic data in seven ways — Adam with no penalty, with an L1, an L2 and an elastic-net penalty added
/// to the loss (the chapter's custom_loss), and with weight decay: SGD (coupled), Adam (coupled, the decay
/// goes through Adam's scaling) and AdamW (decoupled). It reports the final weights' L2 norm, their
/// sparsity (fraction of |w| below 1e-3) and train/test accuracy. The data is generated, so the command
/// runs everywhere, without downloads.
/// </summary>
internal sealed partial class RegularizeExperiment : IExperiment
{
    public const int BatchSize = 64;
    public const double SgdLearningRate = 0.01;
    public const double SparsityThreshold = 1e-3;
    public static readonly int[] Hidden = [64, 64];

    private readonly Option<int?> _epochs = new("--epochs") { Description = "Epochs per variant (default from --budget: tiny 5, quick 25, full 100)" };
    private readonly Option<double> _l1 = new("--l1") { Description = "Strength of the L1 penalty l1·Σ|w| (also the L1 part of elastic net)", DefaultValueFactory = _ => 1e-3 };
    private readonly Option<double> _l2 = new("--l2") { Description = "Strength of the L2 penalty l2·Σw² (also the L2 part of elastic net)", DefaultValueFactory = _ => 1e-3 };
    private readonly Option<double> _weightDecay = new("--weight-decay") { Description = "Weight decay of the SGD, Adam and AdamW variants", DefaultValueFactory = _ => 1e-2 };

    public string Name => "regularize";

    public string Description => "One network trained with no penalty, L1, L2, elastic net, SGD and Adam weight decay and AdamW: weight norms, sparsity and accuracy";

    public IReadOnlyList<Option> Options => [_epochs, _l1, _l2, _weightDecay];

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        int epochs = context.GetOption(_epochs, null) ?? budget.Pick(5, 25, 100);
        double l1 = context.GetOption(_l1, 1e-3), l2 = context.GetOption(_l2, 1e-3), decay = context.GetOption(_weightDecay, 1e-2);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"--epochs: expected at least 1, got {epochs}");
        if (!(l1 >= 0)) throw new ArgumentOutOfRangeException(nameof(l1), l1, $"--l1: expected a strength >= 0, got {l1}");
        if (!(l2 >= 0)) throw new ArgumentOutOfRangeException(nameof(l2), l2, $"--l2: expected a strength >= 0, got {l2}");
        if (!(decay >= 0)) throw new ArgumentOutOfRangeException(nameof(decay), decay, $"--weight-decay: expected a value >= 0, got {decay}");
        context.RecordSetting("data", "ChapterData.Dropout: 2,000 × 30, 70/30 split, standardized");
        context.RecordSetting("model", $"30-{string.Join("-", Hidden)}-1, ReLU, BCE on logits");
        context.RecordSetting("epochs", epochs);
        context.RecordSetting("batch_size", BatchSize);
        context.RecordSetting("l1", l1);
        context.RecordSetting("l2", l2);
        context.RecordSetting("weight_decay", decay);
        context.RecordSetting("learning_rates", $"Adam and AdamW 1e-3, SGD {SgdLearningRate} with momentum 0.9");
        context.RecordSetting("sparsity_threshold", SparsityThreshold);

        var data = ChapterData.Dropout(seed: context.Seed);
        var train = Dataset(data.XTrain, data.YTrain);
        var test = Dataset(data.XTest, data.YTest);
        var variants = Variants(l1, l2, decay);
        var outcomes = context.Track("training variants", variants.Count * epochs, tick =>
            variants.Select(v => Train(context, v, epochs, train, test, tick)).ToList());

        var table = new ResultTable("Regularization variants: final weights and accuracy",
            "variant", "optimizer", "regularization", "weight L2 norm", $"sparsity (|w| < {SparsityThreshold:G})", "train acc", "test acc");
        var metrics = new Dictionary<string, object?>();
        foreach (var o in outcomes)
        {
            table.AddRow(o.Variant.Name, o.Variant.Optimizer, o.Variant.Regularization, o.WeightNorm, o.Sparsity, o.TrainAccuracy, o.TestAccuracy);
            metrics[o.Variant.Key] = new Dictionary<string, object?>
            {
                ["optimizer"] = o.Variant.Optimizer,
                ["regularization"] = o.Variant.Regularization,
                ["weight_l2_norm"] = o.WeightNorm,
                ["sparsity"] = o.Sparsity,
                ["train_accuracy"] = o.TrainAccuracy,
                ["test_accuracy"] = o.TestAccuracy,
                ["final_train_loss"] = o.FinalTrainLoss,
            };
        }
        var figures = new List<FigureRecord>
        {
            context.SaveFigure(DrawBars(outcomes), "regularize",
                "Final weight L2 norm, sparsity and accuracy of each variant"),
            context.SaveFigure(DrawHistogram(outcomes), "regularize-weights",
                "Distribution of the final weights' magnitudes (log scale) for the penalty variants"),
        };
        return new ExperimentResult(metrics, figures, [table]);
    }

    /// <summary>The seven ways of training, in table order.</summary>
    private static List<Variant> Variants(double l1, double l2, double decay) =>
    [
        new("none", "No penalty", "Adam", "none", 0, 0, p => new Adam(p, lr: 1e-3)),
        new("l1", "L1", "Adam", Invariant($"L1 {l1:G}"), l1, 0, p => new Adam(p, lr: 1e-3)),
        new("l2", "L2", "Adam", Invariant($"L2 {l2:G}"), 0, l2, p => new Adam(p, lr: 1e-3)),
        new("elasticnet", "ElasticNet", "Adam", Invariant($"L1 {l1:G} + L2 {l2:G}"), l1, l2, p => new Adam(p, lr: 1e-3)),
        new("sgd_weight_decay", "SGD + decay", "SGD, momentum 0.9", Invariant($"decay {decay:G}, coupled"), 0, 0,
            p => new SGD(p, lr: SgdLearningRate, momentum: 0.9, weightDecay: decay)),
        new("adam_weight_decay", "Adam + decay", "Adam", Invariant($"decay {decay:G}, coupled"), 0, 0,
            p => new Adam(p, lr: 1e-3, weightDecay: decay)),
        new("adamw", "AdamW", "AdamW", Invariant($"decay {decay:G}, decoupled"), 0, 0,
            p => new AdamW(p, lr: 1e-3, weightDecay: decay)),
    ];

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static Outcome Train(RunContext context, Variant variant, int epochs, TensorDataset train, TensorDataset test, IProgressTick tick)
    {
        // Every variant starts from the same weights and sees the same batches: only the regularization differs.
        var model = new SimpleNetwork(new ReLU(), inputSize: train.Inputs.Size(1), numLabels: 1, hidden: Hidden, generator: context.CreateGenerator(2));
        var loss = new PenalizedLoss(new BCEWithLogitsLoss(), model, variant.L1, variant.L2);
        var trainer = new Trainer(model, variant.CreateOptimizer(model.Parameters()), loss, evaluationsPerEpoch: 1)
        {
            CorrectCounter = (output, batch) => Accuracy.CountThreshold(output, batch, 0.0),
        };
        trainer.Callbacks.Add(new EpochEndCallback((_, _) => tick.Advance()));
        var history = trainer.Fit(new DataLoader(train, BatchSize, shuffle: true, seed: (ulong)context.Seed), null, epochs);
        var weights = model.NamedParameters().Where(p => p.Name.EndsWith("weight", StringComparison.Ordinal))
            .SelectMany(p => p.Parameter.ToDoubleArray()).ToArray();
        double norm = Math.Sqrt(weights.Sum(w => w * w));
        double sparsity = weights.Count(w => Math.Abs(w) < SparsityThreshold) / (double)weights.Length;
        var trainEval = trainer.Evaluate(new DataLoader(train, 512));
        var testEval = trainer.Evaluate(new DataLoader(test, 512));
        return new Outcome(variant, norm, sparsity, trainEval.Accuracy, testEval.Accuracy, history.Epochs[^1].TrainLoss, weights);
    }

    internal static TensorDataset Dataset(float[,] x, float[] y)
    {
        int rows = x.GetLength(0), columns = x.GetLength(1);
        var flat = new float[rows * columns];
        Buffer.BlockCopy(x, 0, flat, 0, flat.Length * sizeof(float));
        return new TensorDataset(Tensor.FromArray(flat, [rows, columns]), targets: Tensor.FromArray((float[])y.Clone(), [rows, 1]));
    }

    /// <summary>
    /// The chapter's custom_loss: the data loss plus l1·Σ|p| + l2·Σp² over every parameter, added only while
    /// training, so that evaluation reports the plain data loss.
    /// </summary>
    private sealed class PenalizedLoss(ILoss inner, Module model, double l1, double l2) : ILoss
    {
        public Tensor Compute(Tensor output, Batch batch)
        {
            var loss = inner.Compute(output, batch);
            if (!model.Training || (l1 == 0 && l2 == 0)) return loss;
            return loss.Add(Penalties.ElasticNet(model.Parameters(), l1, l2));
        }
    }

    private sealed record Variant(string Key, string Name, string Optimizer, string Regularization, double L1, double L2, Func<IEnumerable<Tensor>, Optimizer> CreateOptimizer);

    private sealed record Outcome(Variant Variant, double WeightNorm, double Sparsity, double TrainAccuracy, double TestAccuracy, double FinalTrainLoss, double[] Weights);
}
