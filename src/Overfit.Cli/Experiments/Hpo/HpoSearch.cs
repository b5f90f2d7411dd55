using System.Globalization;
using Overfit.BayesianOptimization;
using Overfit.Cli.Infrastructure;
using Overfit.Data;
using Overfit.Data.Transforms;
using Overfit.Tuning;

namespace Overfit.Cli.Experiments;

/// <summary>
/// What `overfit hpo` searches and how: the chapter's datasets and parameter ranges, the methods (samplers) and
/// pruners by name, and the sizes of each budget. Names are parsed here once for `hpo` and `hpo compare`.
/// </summary>
internal static class HpoSearch
{
    /// <summary>Dataset names accepted by --dataset.</summary>
    public static readonly string[] Datasets = ["FashionMNIST", "CIFAR100"];

    /// <summary>Method names accepted by --method: samplers of Overfit.Tuning.</summary>
    public static readonly string[] Methods = ["bayesopt", "botorch", "tpe", "random", "grid", "qmc"];

    /// <summary>Pruner names accepted by --pruner.</summary>
    public static readonly string[] Pruners = ["none", "median", "asha", "hyperband"];

    /// <summary>The tuned parameters, in bayes_opt's names.</summary>
    public const string LearningRate = "learning_rate", BatchSize = "batch_size", Hidden1 = "hidden1", Hidden2 = "hidden2";

    /// <summary>The canonical spelling of a dataset name (case-insensitive, "-" and "_" ignored).</summary>
    /// <exception cref="ArgumentException">an unknown dataset</exception>
    public static string ParseDataset(string? name)
    {
        string key = (name ?? "").Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return Datasets.FirstOrDefault(d => string.Equals(d, key, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--dataset: expected one of {string.Join(", ", Datasets)}, got '{name}'", "dataset");
    }

    /// <summary>Checks a method name (lower case).</summary>
    /// <exception cref="ArgumentException">an unknown method</exception>
    public static string ParseMethod(string? name)
    {
        string key = (name ?? "").ToLowerInvariant();
        return Methods.Contains(key) ? key : throw new ArgumentException($"--method: expected one of {string.Join(", ", Methods)}, got '{name}'", "method");
    }

    /// <summary>Checks a pruner name (lower case).</summary>
    /// <exception cref="ArgumentException">an unknown pruner</exception>
    public static string ParsePruner(string? name)
    {
        string key = (name ?? "").ToLowerInvariant();
        return Pruners.Contains(key) ? key : throw new ArgumentException($"--pruner: expected one of {string.Join(", ", Pruners)}, got '{name}'", "pruner");
    }

    /// <summary>
    /// The chapter's ranges: on CIFAR-100 the bayes_opt pbounds (hidden1 64..512, hidden2 32..256), on Fashion-MNIST the
    /// BoTorch bounds (hidden sizes 32..512); learning rate 1e-4..1e-2 and batch size 64..256 on a linear scale in both.
    /// </summary>
    public static IReadOnlyDictionary<string, (double Low, double High)> Bounds(string dataset) => dataset == "CIFAR100"
        ? new Dictionary<string, (double, double)> { [LearningRate] = (1e-4, 1e-2), [BatchSize] = (64, 256), [Hidden1] = (64, 512), [Hidden2] = (32, 256) }
        : new Dictionary<string, (double, double)> { [LearningRate] = (1e-4, 1e-2), [BatchSize] = (64, 256), [Hidden1] = (32, 512), [Hidden2] = (32, 512) };

    /// <summary>
    /// Suggests the four parameters as floats in the chapter's ranges and turns the sizes into integers the way the
    /// chapter's train_wrapper does: int(x), truncation toward zero.
    /// </summary>
    public static SimpleNetworkHyperparameters Suggest(Trial trial, string dataset)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var b = Bounds(dataset);
        double Float(string name) => trial.SuggestFloat(name, b[name].Low, b[name].High);
        double lr = Float(LearningRate);
        int batch = (int)Float(BatchSize);
        int h1 = (int)Float(Hidden1), h2 = (int)Float(Hidden2);
        return new SimpleNetworkHyperparameters(lr, batch, [h1, h2]);
    }

    /// <summary>The hyperparameters a finished trial trained with (the same truncation as <see cref="Suggest"/>).</summary>
    public static SimpleNetworkHyperparameters FromParams(IReadOnlyDictionary<string, object?> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        double Get(string name) => Convert.ToDouble(p[name], CultureInfo.InvariantCulture);
        return new SimpleNetworkHyperparameters(Get(LearningRate), (int)Get(BatchSize), [(int)Get(Hidden1), (int)Get(Hidden2)]);
    }

    /// <summary>
    /// The sampler of <paramref name="method"/>: bayes_opt's loop (<see cref="BayesOptSampler"/>, UCB), the BoTorch loop
    /// (<see cref="GPSampler"/>: SingleTaskGP, LogEI, 10 restarts, 512 raw samples), TPE, random, QMC (scrambled Sobol)
    /// or a 3-point grid per parameter. The model-based ones start with <paramref name="init"/> random trials.
    /// </summary>
    public static ISampler CreateSampler(string method, string dataset, int init, ulong seed) => method switch
    {
        "bayesopt" => new BayesOptSampler(seed, nStartupTrials: init),
        "botorch" => new GPSampler(seed, nStartupTrials: init, options: new BoTorchLoopOptions { NumRestarts = 10, RawSamples = 512, Seed = seed }),
        "tpe" => new TpeSampler(nStartupTrials: init, seed: seed),
        "random" => new RandomSampler(seed),
        "qmc" => new QmcSampler(seed: seed),
        "grid" => new GridSampler(Bounds(dataset).ToDictionary(p => p.Key, p => (IReadOnlyList<object?>)GridValues(p.Value)), seed),
        _ => throw new ArgumentException($"--method: expected one of {string.Join(", ", Methods)}, got '{method}'", nameof(method)),
    };

    /// <summary>Low, middle and just below high (float distributions exclude nothing, but the sizes truncate to the top integer).</summary>
    private static object?[] GridValues((double Low, double High) range) => [range.Low, 0.5 * (range.Low + range.High), range.High];

    /// <summary>
    /// The pruner of <paramref name="pruner"/>: none, median (Optuna's defaults: 5 startup trials), asha (successive
    /// halving, reduction factor 4, minimum resource estimated from the first complete trial) or hyperband (1 to
    /// <paramref name="epochs"/> epochs, reduction factor 3).
    /// </summary>
    public static IPruner CreatePruner(string pruner, int epochs) => pruner switch
    {
        "none" => new NopPruner(),
        "median" => new MedianPruner(),
        "asha" => new SuccessiveHalvingPruner(),
        "hyperband" => new HyperbandPruner(minResource: 1, maxResource: Math.Max(epochs, 1)),
        _ => throw new ArgumentException($"--pruner: expected one of {string.Join(", ", Pruners)}, got '{pruner}'", nameof(pruner)),
    };

    /// <summary>The sizes of a budget for a dataset; full is the chapter's settings exactly.</summary>
    public static HpoBudget Budget(BudgetLevel level, string dataset) => (level, dataset) switch
    {
        (BudgetLevel.Tiny, _) => new HpoBudget(Trials: 4, Init: 2, Epochs: 2, TrainCount: 500, TestCount: 200),
        (BudgetLevel.Quick, "CIFAR100") => new HpoBudget(Trials: 12, Init: 4, Epochs: 3, TrainCount: 10_000, TestCount: 2_000),
        (BudgetLevel.Quick, _) => new HpoBudget(Trials: 20, Init: 5, Epochs: 5, TrainCount: 20_000, TestCount: 5_000),
        (_, "CIFAR100") => new HpoBudget(Trials: 14, Init: 4, Epochs: 10, TrainCount: null, TestCount: null),
        _ => new HpoBudget(Trials: 85, Init: 5, Epochs: 20, TrainCount: null, TestCount: null),
    };

    /// <summary>
    /// The fraction of the training images held out for validation when --validation-fraction is not given: the
    /// per-epoch accuracy that pruners see comes from them, the trial's value from the test split.
    /// </summary>
    public const double DefaultValidationFraction = 0.1;

    /// <summary>
    /// The seed of the validation split: fixed, so every trial, worker, method and seed of a search holds out the same
    /// images (the split belongs to the data, not to a trial).
    /// </summary>
    public const long ValidationSplitSeed = 0;

    /// <summary>
    /// The chapter's input pipeline: Fashion-MNIST scaled to [0, 1] then Normalize(0.5, 0.5); CIFAR-100 with
    /// RandomHorizontalFlip and RandomRotation(10) on training batches, then per-channel Normalize(0.5, 0.5). The first
    /// TrainCount/TestCount images of <paramref name="budget"/> are kept when given; then its ValidationFraction of
    /// those training images (rounded up) is held out for validation, drawn as scikit-learn's
    /// train_test_split(test_size=fraction, random_state=<see cref="ValidationSplitSeed"/>) draws them. A fraction of 0
    /// trains on every kept image and evaluates the test split after each epoch, as the chapter does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the fraction leaves no training image</exception>
    public static ImageClassificationData Prepare(string dataset, ImageDataset train, ImageDataset test, HpoBudget budget, string source)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(budget);
        if (budget.TrainCount is { } n && n < train.Count) train = train.Take(n);
        if (budget.TestCount is { } m && m < test.Count) test = test.Take(m);
        ImageDataset? validation = null;
        if (budget.ValidationFraction > 0)
        {
            int held = (int)Math.Ceiling(budget.ValidationFraction * train.Count);
            if (held >= train.Count)
                throw new ArgumentOutOfRangeException("validation-fraction", budget.ValidationFraction,
                    FormattableString.Invariant($"--validation-fraction: {budget.ValidationFraction:R} of {train.Count} training images leaves none to train on"));
            var (rest, heldOut) = Overfit.Data.Preprocessing.TrainTestSplit.Indices(train.Count, budget.ValidationFraction, ValidationSplitSeed);
            // Both parts keep the file order of their images; the training loader shuffles anyway.
            Array.Sort(rest);
            Array.Sort(heldOut);
            validation = train.Subset(heldOut);
            train = train.Subset(rest);
        }
        if (dataset == "CIFAR100")
        {
            var normalize = new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
            return new ImageClassificationData(train, test,
                seed => new Compose(new RandomHorizontalFlip(seed: seed), new RandomRotation(10, seed: unchecked(seed + 1)), normalize), normalize, source, validation);
        }
        var scale = new Normalize(0.5, 0.5);
        return new ImageClassificationData(train, test, _ => scale, scale, source, validation);
    }
}

/// <summary>
/// Sizes of an HPO run: trials, random initial trials, epochs per trial, the training/test subsets (null: all) and the
/// fraction of those training images held out for the per-epoch validation accuracy (0: none, the test split instead).
/// </summary>
internal sealed record HpoBudget(int Trials, int Init, int Epochs, int? TrainCount, int? TestCount, double ValidationFraction = HpoSearch.DefaultValidationFraction);
