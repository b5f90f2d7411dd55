using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data;
using Overfit.Data.Synthetic;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit dropout</c>: the chapter's dropout experiment. The same 30-128-256-128-1 network is trained
/// with and without Dropout(0.5) on the synthetic 2,000 × 30 problem (70/30 split, standardized) with BCE,
/// Adam 1e-3 and batches of 64, stopping early when the validation loss has not improved for 20 epochs
/// (the best epoch's weights are restored). The figure shows train and validation accuracy per epoch.
/// </summary>
internal sealed partial class DropoutExperiment : IExperiment
{
    /// <summary>Mini-batch size (the chapter's 64).</summary>
    public const int BatchSize = 64;
    /// <summary>Adam learning rate (the chapter's 1e-3).</summary>
    public const double LearningRate = 1e-3;

    private readonly Option<int?> _epochs = new("--epochs") { Description = "Maximum epochs (default from --budget: tiny 3, quick 30, full 200)" };
    private readonly Option<int> _patience = new("--patience") { Description = "Early-stopping patience in epochs on the validation loss", DefaultValueFactory = _ => 20 };
    private readonly Option<double> _rate = new("--rate") { Description = "Dropout probability after each hidden layer", DefaultValueFactory = _ => 0.5 };

    /// <summary>The command name.</summary>
    public string Name => "dropout";

    /// <summary>One sentence for --help and the report.</summary>
    public string Description => "Train and validation accuracy with and without dropout on the chapter's synthetic data, with early stopping";

    /// <summary>--epochs, --patience and --rate.</summary>
    public IReadOnlyList<Option> Options => [_epochs, _patience, _rate];

    /// <summary>Trains both networks, then reports their accuracies, curves and overfitting diagnosis.</summary>
    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        int epochs = context.GetOption(_epochs, null) ?? budget.Pick(3, 30, 200);
        int patience = context.GetOption(_patience, 20);
        double rate = context.GetOption(_rate, 0.5);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"--epochs: expected at least 1, got {epochs}");
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, $"--patience: expected at least 1, got {patience}");
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, $"--rate: expected a probability in [0, 1), got {rate}");
        context.RecordSetting("data", "ChapterData.Dropout: 2,000 × 30 standard normal, y = sin(2 x0) + x1 x2 + 0.2 noise > 0, 70/30 split, standardized");
        context.RecordSetting("model", "30-128-256-128-1, ReLU, sigmoid output");
        context.RecordSetting("dropout_rate", rate);
        context.RecordSetting("optimizer", $"Adam lr {LearningRate}");
        context.RecordSetting("batch_size", BatchSize);
        context.RecordSetting("max_epochs", epochs);
        context.RecordSetting("patience", patience);

        var data = ChapterData.Dropout(seed: context.Seed);
        var train = Dataset(data.XTrain, data.YTrain);
        var validation = Dataset(data.XTest, data.YTest);
        var runs = new List<TrainingRun>();
        foreach (bool withDropout in new[] { false, true })
        {
            string label = withDropout ? "with dropout" : "without dropout";
            var run = context.Track($"training {label}", epochs, tick => Train(context, withDropout, rate, epochs, patience, train, validation, tick));
            runs.Add(run with { Label = label });
        }

        var table = new ResultTable("Dropout: accuracy after early stopping (best validation-loss epoch restored)",
            "model", "epochs run", "best epoch", "train acc (eval mode)", "validation acc", "validation loss");
        var metrics = new Dictionary<string, object?>();
        foreach (var run in runs)
        {
            table.AddRow(run.Label, run.EpochsRun, run.BestEpoch, run.FinalTrainAccuracy, run.FinalValidationAccuracy, run.FinalValidationLoss);
            string key = run.WithDropout ? "with_dropout" : "without_dropout";
            metrics[key] = new Dictionary<string, object?>
            {
                ["epochs_run"] = run.EpochsRun,
                ["best_epoch"] = run.BestEpoch,
                ["stopped_early"] = run.StoppedEarly,
                ["train_loss"] = run.TrainLoss,
                ["train_accuracy"] = run.TrainAccuracy,
                ["validation_accuracy"] = run.ValidationAccuracy,
                ["validation_loss"] = run.ValidationLoss,
                ["final_train_accuracy"] = run.FinalTrainAccuracy,
                ["final_validation_accuracy"] = run.FinalValidationAccuracy,
                ["final_validation_loss"] = run.FinalValidationLoss,
                ["diagnosis"] = Diagnose(run) is { } report ? report.ToJsonObject() : null,
            };
        }
        var figure = context.SaveFigure(DrawFigure(runs), "dropout",
            "Accuracy per epoch with and without dropout; dotted lines mark the best validation-loss epoch (weights restored), the run stops when patience runs out");
        return new ExperimentResult(metrics, [figure], [table, DiagnosisTable(runs)]);
    }

    internal static TrainingRun Train(RunContext context, bool withDropout, double rate, int epochs, int patience,
        TensorDataset train, TensorDataset validation, IProgressTick tick)
    {
        // The same initialization stream for both models, so that only dropout differs.
        var generator = context.CreateGenerator(1);
        var model = DropoutExperimentModels.Create(withDropout, inputSize: train.Inputs.Size(1), dropout: rate, generator: generator);
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: LearningRate), new BCELoss(), evaluationsPerEpoch: 1);
        var stopping = new EarlyStopping(patience: patience, restoreBest: true);
        trainer.Callbacks.Add(stopping);
        trainer.Callbacks.Add(new EpochEndCallback((_, _) => tick.Advance()));
        var loader = new DataLoader(train, BatchSize, shuffle: true, seed: (ulong)context.Seed);
        var validationLoader = new DataLoader(validation, 512);
        var history = trainer.Fit(loader, validationLoader, epochs);
        // After the best weights are restored: accuracy on the whole training set in eval mode (dropout off).
        var finalTrain = trainer.Evaluate(new DataLoader(train, 512));
        var finalValidation = trainer.Evaluate(validationLoader);
        return new TrainingRun("", withDropout,
            history.Epochs.Select(e => e.TrainLoss).ToArray(),
            history.Epochs.Select(e => e.TrainAccuracy).ToArray(),
            history.Epochs.Select(e => e.TestAccuracy).ToArray(),
            history.Epochs.Select(e => e.TestLoss).ToArray(),
            history.Epochs.Count, stopping.BestEpoch, history.StoppedEarlyAt is not null,
            finalTrain.Accuracy, finalValidation.Accuracy, finalValidation.Loss);
    }

    internal static TensorDataset Dataset(float[,] x, float[] y)
    {
        int rows = x.GetLength(0), columns = x.GetLength(1);
        var flat = new float[rows * columns];
        Buffer.BlockCopy(x, 0, flat, 0, flat.Length * sizeof(float));
        return new TensorDataset(Tensor.FromArray(flat, [rows, columns]), targets: Tensor.FromArray((float[])y.Clone(), [rows, 1]));
    }

    /// <summary>One training run: per-epoch curves (train accuracy measured during training, as Keras reports it) and the final numbers.</summary>
    internal sealed record TrainingRun(string Label, bool WithDropout, double[] TrainLoss, double[] TrainAccuracy, double[] ValidationAccuracy, double[] ValidationLoss,
        int EpochsRun, int BestEpoch, bool StoppedEarly, double FinalTrainAccuracy, double FinalValidationAccuracy, double FinalValidationLoss);
}
