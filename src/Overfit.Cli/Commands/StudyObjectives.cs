using Overfit.BayesianOptimization;
using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;
using Overfit.Data;
using Overfit.Data.Sources;
using Overfit.Tuning;

namespace Overfit.Cli.Commands;

/// <summary>
/// The built-in objectives of `overfit study optimize --func NAME`, so workers on any machine need no user code: the
/// quadratic bowl, the synthetic benchmark functions (minimized), and mlp-fashion (validation accuracy, maximized).
/// </summary>
internal static class StudyObjectives
{
    /// <summary>Objective names in the order the help lists them.</summary>
    public static readonly string[] Names = ["quadratic", "branin", "hartmann6", "ackley5", "mlp-fashion"];

    /// <summary>The objective and the direction a study created for it optimizes.</summary>
    public static (Func<Trial, double> Objective, StudyDirection Direction) Create(string name, BudgetLevel budget, string? dataDirectory, int seed, TextWriter notes) => name switch
    {
        // The quadratic bowl of Optuna's quickstart, with an integer second coordinate.
        "quadratic" => (t => Math.Pow(t.SuggestFloat("x", -10, 10) - 2, 2) + Math.Pow(t.SuggestInt("y", -5, 5) + 1, 2), StudyDirection.Minimize),
        "branin" or "hartmann6" or "ackley5" => (Synthetic(SyntheticFunction.FromName(name)), StudyDirection.Minimize),
        "mlp-fashion" => (new MlpFashion(new ExperimentBudget(budget), dataDirectory, seed, notes).Run, StudyDirection.Maximize),
        _ => throw new ArgumentException($"--func: expected one of {string.Join(", ", Names)}, got '{name}'"),
    };

    private static Func<Trial, double> Synthetic(SyntheticFunction f) => t =>
    {
        var x = new double[f.Dimension];
        for (int i = 0; i < x.Length; i++) x[i] = t.SuggestFloat($"x{i}", f.Bounds.Lower[i], f.Bounds.Upper[i]);
        return f.Evaluate(x);
    };

    /// <summary>
    /// Trains a ReLU SimpleNetwork on Fashion-MNIST with Adam for each trial: suggested learning rate (log 1e-4..1e-1),
    /// batch size (32..256), depth (1..3) and hidden sizes (log 16..256). The validation accuracy on the first test
    /// images is reported after every epoch, so a pruner can stop a poor trial early, and the last one is the value.
    /// Budget: tiny 1,000 training / 500 validation images × 2 epochs, quick 10,000 / 2,000 × 5, full 60,000 / 10,000
    /// × 10. A tiny run without the dataset uses the landscape experiment's seeded stand-in images and says so.
    /// </summary>
    private sealed class MlpFashion(ExperimentBudget budget, string? dataDirectory, int seed, TextWriter notes)
    {
        // Loaded before any storage is opened, so missing data fails the command before a study or trial is written.
        private readonly (ImageDataset Train, ImageDataset Validation) _data = Load(budget, dataDirectory, seed, notes);
        private readonly int _epochs = budget.Pick(2, 5, 10);

        public double Run(Trial trial)
        {
            double lr = trial.SuggestFloat("lr", 1e-4, 1e-1, log: true);
            int batch = trial.SuggestCategorical("batch_size", new[] { 32, 64, 128, 256 });
            int layers = trial.SuggestInt("n_layers", 1, 3);
            var hidden = new int[layers];
            for (int i = 0; i < layers; i++) hidden[i] = trial.SuggestInt($"hidden_{i}", 16, 256, log: true);
            var (train, validation) = _data;
            // The one SimpleNetwork objective (shared with `overfit hpo`): reports each epoch's accuracy, prunes on request.
            var data = new ImageClassificationData(train, validation, _ => null, null, "Fashion-MNIST");
            return SimpleNetworkTraining.Objective(trial, data, new SimpleNetworkHyperparameters(lr, batch, hidden), _epochs, (ulong)(seed + trial.Number));
        }

        private static (ImageDataset, ImageDataset) Load(ExperimentBudget budget, string? dataDirectory, int seed, TextWriter notes)
        {
            int trainCount = budget.Pick(1000, 10_000, 60_000), validationCount = budget.Pick(500, 2000, 10_000);
            try
            {
                var train = Datasets.FashionMnist(train: true, dataDirectory, download: false);
                var test = Datasets.FashionMnist(train: false, dataDirectory, download: false);
                return (train.Take(Math.Min(trainCount, train.Count)), test.Take(Math.Min(validationCount, test.Count)));
            }
            catch (DataNotFoundException e) when (budget.Level == BudgetLevel.Tiny)
            {
                notes.WriteLine($"note: Fashion-MNIST was not found ({e.Message.Split('\n')[0]}); this tiny run uses seeded 28×28 stand-in images. " +
                    "Install it (apt-get install dataset-fashion-mnist) or run `overfit data download FashionMNIST`.");
                return (LandscapeExperiment.StandInImages(trainCount, seed), LandscapeExperiment.StandInImages(validationCount, seed + 1));
            }
        }
    }
}
