using System.CommandLine;
using Overfit.Cli.Infrastructure;

namespace Overfit.Cli.Experiments;

/// <summary>The options of `overfit hpo` and `overfit hpo compare`; one instance per command, since an option belongs to one command.</summary>
internal sealed class HpoOptions
{
    /// <param name="compare">true for `hpo compare` (--methods and --seeds instead of --method, --pruner, --study and --worker-index)</param>
    public HpoOptions(bool compare)
    {
        Compare = compare;
        var all = new List<Option> { Dataset };
        if (compare) all.AddRange([Methods, Seeds]);
        else all.AddRange([Method, Pruner]);
        all.AddRange([Trials, Init, Epochs, ValidationFraction, Storage]);
        if (!compare) all.Add(Study);
        all.AddRange([Workers, ThreadsPerTrial, Data]);
        if (!compare) all.Add(WorkerIndex);
        All = all;
    }

    /// <summary>True for the options of `hpo compare`.</summary>
    public bool Compare { get; }

    /// <summary>Every option of the command, in help order.</summary>
    public IReadOnlyList<Option> All { get; }

    /// <summary>--dataset FashionMNIST|CIFAR100.</summary>
    public Option<string> Dataset { get; } = new("--dataset") { Description = "FashionMNIST or CIFAR100", DefaultValueFactory = _ => "FashionMNIST", HelpName = "FashionMNIST|CIFAR100" };

    /// <summary>--method (hpo).</summary>
    public Option<string> Method { get; } = new("--method") { Description = "Search method: bayesopt (bayes_opt's GP-UCB), botorch (SingleTaskGP + LogEI), tpe, random, grid, qmc", DefaultValueFactory = _ => "botorch", HelpName = "bayesopt|botorch|tpe|random|grid|qmc" };

    /// <summary>--pruner (hpo).</summary>
    public Option<string> Pruner { get; } = new("--pruner") { Description = "Stop poor trials early from their per-epoch accuracy: none, median, asha (successive halving), hyperband", DefaultValueFactory = _ => "none", HelpName = "none|median|asha|hyperband" };

    /// <summary>--methods (compare).</summary>
    public Option<string[]> Methods { get; } = new("--methods") { Description = "Methods to compare, METHOD or METHOD+PRUNER (default: botorch bayesopt tpe random tpe+asha)", AllowMultipleArgumentsPerToken = true, HelpName = "METHOD[+PRUNER]" };

    /// <summary>--seeds (compare).</summary>
    public Option<int?> Seeds { get; } = new("--seeds") { Description = "Independent studies per method, seeds S, S+1, ... (default 1)", HelpName = "N" };

    /// <summary>--trials.</summary>
    public Option<int?> Trials { get; } = new("--trials") { Description = "Finished trials per study, random initial ones included (default from --budget: tiny 4, quick 20 / 12 on CIFAR-100, full 85 on Fashion-MNIST and 14 on CIFAR-100)", HelpName = "N" };

    /// <summary>--init.</summary>
    public Option<int?> Init { get; } = new("--init") { Description = "Random initial trials of the model-based methods (default from --budget: tiny 2, quick 5 / 4 on CIFAR-100, full 5 / 4 on CIFAR-100)", HelpName = "N" };

    /// <summary>--epochs.</summary>
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Training epochs per trial (default from --budget: tiny 2, quick 5 / 3 on CIFAR-100, full 20 / 10 on CIFAR-100)", HelpName = "E" };

    /// <summary>--validation-fraction.</summary>
    public Option<double?> ValidationFraction { get; } = new("--validation-fraction")
    {
        Description = "Fraction of the training images held out (the same seeded split for every trial); their accuracy after each epoch is what pruners see, "
            + "the trial's value stays the test accuracy. 0 trains on every training image and reports the test accuracy each epoch, as the chapter (default 0.1)",
        HelpName = "F",
    };

    /// <summary>--storage.</summary>
    public Option<string?> Storage { get; } = new("--storage") { Description = "Study storage URL: sqlite:///PATH or a file path (default: runs/hpo.db for hpo, studies.db in the run folder for hpo compare)", HelpName = "URL" };

    /// <summary>--study (hpo).</summary>
    public Option<string?> Study { get; } = new("--study") { Description = "Study name (default: built from dataset, method, pruner, epochs, budget and seed, so the same command resumes)", HelpName = "NAME" };

    /// <summary>--workers.</summary>
    public Option<int> Workers { get; } = new("--workers") { Description = "Workers running trials of the same study at once: this process and K - 1 more processes of the same executable", DefaultValueFactory = _ => 1, HelpName = "K" };

    /// <summary>--threads-per-trial.</summary>
    public Option<int?> ThreadsPerTrial { get; } = new("--threads-per-trial") { Description = "Threads each trial's training may use (OVERFIT_NUM_THREADS of each worker; default: all cores)", HelpName = "T" };

    /// <summary>--data.</summary>
    public Option<string?> Data { get; } = new("--data") { Description = "Folder holding the dataset (default: OVERFIT_DATA, the user cache, /usr/share/datasets; downloaded when absent)", HelpName = "DIR" };

    /// <summary>--worker-index: set by the command that starts worker processes.</summary>
    public Option<int?> WorkerIndex { get; } = new("--worker-index") { Description = "Index of this worker process (set by --workers)", Hidden = true };

    /// <summary>Reads and checks the options shared by both commands. Inside the tour the budget is always tiny.</summary>
    /// <exception cref="ArgumentException">an unknown dataset or pruner, counts out of range, or fewer trials than initial trials</exception>
    public HpoSettings Read(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var level = context.FromCommandLine ? context.Budget : BudgetLevel.Tiny;
        string dataset = HpoSearch.ParseDataset(context.GetOption(Dataset, "FashionMNIST"));
        string pruner = Compare ? "none" : HpoSearch.ParsePruner(context.GetOption(Pruner, "none"));
        var preset = HpoSearch.Budget(level, dataset);
        var budget = preset with
        {
            Trials = context.GetOption(Trials, null) ?? preset.Trials,
            Init = context.GetOption(Init, null) ?? preset.Init,
            Epochs = context.GetOption(Epochs, null) ?? preset.Epochs,
            ValidationFraction = context.GetOption(ValidationFraction, null) ?? preset.ValidationFraction,
        };
        if (budget.Trials < 1) throw new ArgumentOutOfRangeException("trials", budget.Trials, $"--trials: expected at least 1, got {budget.Trials}");
        if (budget.Init < 0) throw new ArgumentOutOfRangeException("init", budget.Init, $"--init: expected 0 or more, got {budget.Init}");
        if (budget.Trials < budget.Init) throw new ArgumentException($"--trials: expected at least --init ({budget.Init}) trials, got {budget.Trials}", "trials");
        if (budget.Epochs < 1) throw new ArgumentOutOfRangeException("epochs", budget.Epochs, $"--epochs: expected at least 1, got {budget.Epochs}");
        if (!(budget.ValidationFraction >= 0 && budget.ValidationFraction < 1))
            throw new ArgumentOutOfRangeException("validation-fraction", budget.ValidationFraction,
                FormattableString.Invariant($"--validation-fraction: expected a fraction in [0, 1), got {budget.ValidationFraction}"));
        int workers = context.GetOption(Workers, 1);
        if (workers < 1) throw new ArgumentOutOfRangeException("workers", workers, $"--workers: expected at least 1, got {workers}");
        // Every worker is a process on this machine: more than the trials leaves some idle, and more than a few per core
        // only competes for the CPU (several machines run one command each on a shared storage instead).
        int maxWorkers = Math.Min(budget.Trials, 4 * Environment.ProcessorCount);
        if (workers > maxWorkers)
            throw new ArgumentOutOfRangeException("workers", workers,
                $"--workers: expected at most {maxWorkers} (the trial count and 4 processes per core of this machine's {Environment.ProcessorCount}), got {workers}");
        int? threads = context.GetOption(ThreadsPerTrial, null);
        if (threads is < 1) throw new ArgumentOutOfRangeException("threads-per-trial", threads, $"--threads-per-trial: expected at least 1, got {threads}");
        int seeds = Compare ? context.GetOption(Seeds, null) ?? 1 : 1;
        if (seeds < 1) throw new ArgumentOutOfRangeException("seeds", seeds, $"--seeds: expected at least 1, got {seeds}");
        int? workerIndex = Compare ? null : context.GetOption(WorkerIndex, null);
        if (workerIndex is < 0) throw new ArgumentOutOfRangeException("worker-index", workerIndex, $"--worker-index: expected 0 or more, got {workerIndex}");
        string? storage = context.GetOption(Storage, null);
        string? study = Compare ? null : context.GetOption(Study, null);
        if (study is not null && string.IsNullOrWhiteSpace(study)) throw new ArgumentException("--study: expected a name, got an empty one", "study");
        return new HpoSettings(dataset, pruner, budget, level, storage ?? (Compare || !context.FromCommandLine ? "sqlite:///" + context.PathFor("studies.db") : HpoExperiment.DefaultStorage),
            storage is not null, study, workers, threads, seeds, workerIndex, context.GetOption(Data, null));
    }
}

/// <summary>The options of one `hpo` or `hpo compare` command line, checked.</summary>
internal sealed record HpoSettings(string Dataset, string Pruner, HpoBudget Budget, BudgetLevel Level, string StorageUrl, bool StorageGiven, string? StudyName,
    int Workers, int? ThreadsPerTrial, int Seeds, int? WorkerIndex, string? DataDirectory)
{
    /// <summary>The study of <paramref name="method"/> with <paramref name="pruner"/> and <paramref name="seed"/> under these settings.</summary>
    public HpoStudySpec Spec(string method, string pruner, int seed, string studyName) =>
        new(Dataset, method, pruner, Budget, seed, StorageUrl, studyName, Level, DataDirectory);

    /// <summary>Writes the settings to metrics.json and the report.</summary>
    public void Record(RunContext context, string? studyName)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RecordSetting("dataset", Dataset);
        context.RecordSetting("hpo_budget", Level.ToString().ToLowerInvariant());
        context.RecordSetting("trials", Budget.Trials);
        context.RecordSetting("init", Budget.Init);
        context.RecordSetting("epochs", Budget.Epochs);
        context.RecordSetting("train_images", Budget.TrainCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all");
        context.RecordSetting("test_images", Budget.TestCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all");
        context.RecordSetting("search_space", string.Join(", ", HpoSearch.Bounds(Dataset).Select(p => FormattableString.Invariant($"{p.Key} {p.Value.Low:G}..{p.Value.High:G}"))) + " (sizes truncated with int(), as the chapter)");
        context.RecordSetting("validation_fraction", Budget.ValidationFraction);
        context.RecordSetting("training", "ReLU SimpleNetwork [hidden1, hidden2], Adam, cross-entropy; value = test accuracy after the last epoch, intermediate value (what pruners see) = "
            + (Budget.ValidationFraction > 0
                ? FormattableString.Invariant($"accuracy on the held-out validation images ({Budget.ValidationFraction:G} of the training images, split with seed {HpoSearch.ValidationSplitSeed}) after each epoch")
                : "test accuracy after each epoch (--validation-fraction 0, as the chapter)"));
        context.RecordSetting("storage", StorageUrl);
        context.RecordSetting("workers", Workers);
        context.RecordSetting("threads_per_trial", ThreadsPerTrial is { } t ? t : "all cores");
        if (WorkerIndex is { } index) context.RecordSetting("worker_index", index);
        if (Seeds > 1) context.RecordSetting("seeds", Seeds);
        if (!context.FromCommandLine) context.RecordSetting("note", "the tour runs the tiny HPO budget");
        if (studyName is not null) context.RecordSetting("study", studyName);
    }

    /// <summary>Applies --threads-per-trial to this process until disposed (the one thread setting, <see cref="Overfit.Threading"/>).</summary>
    public IDisposable ApplyThreads()
    {
        int previous = Overfit.Threading.NumThreads;
        if (ThreadsPerTrial is { } t) Overfit.Threading.NumThreads = t;
        return new Restore(() => Overfit.Threading.NumThreads = previous);
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
