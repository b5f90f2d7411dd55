using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Data;
using Overfit.Data.Sources;
using Overfit.Tuning;

namespace Overfit.Cli.Experiments;

/// <summary>Loads the training and test images of a dataset by its canonical name (FashionMNIST, CIFAR100) from a folder or the data locator.</summary>
internal delegate (ImageDataset Train, ImageDataset Test, string Source) HpoDataLoader(string dataset, string? directory);

/// <summary>
/// <c>overfit hpo</c>: the chapter's hyperparameter search of SimpleNetwork (learning rate, batch size, two hidden sizes)
/// as a persistent tuning study. Each trial trains with Adam and reports the accuracy on held-out validation images
/// after every epoch (with --validation-fraction 0 the test split's, as the chapter's train_model prints), so pruners
/// can stop it; its value is the test accuracy after the last epoch. Trials are kept in a SQLite storage (or any storage URL), so rerunning the same command resumes a crashed
/// or interrupted study, and <c>--workers K</c> runs K processes on it at once.
/// </summary>
internal sealed partial class HpoExperiment : IExperiment
{
    /// <summary>Where studies go when no --storage is given: one file shared by every run, so a rerun resumes.</summary>
    public const string DefaultStorage = "sqlite:///runs/hpo.db";

    private readonly HpoDataLoader _data;
    private readonly HpoOptions _options = new(compare: false);

    /// <param name="data">where images come from (default: the data locator, downloading when allowed)</param>
    public HpoExperiment(HpoDataLoader? data = null) => _data = data ?? LoadFromLocator;

    /// <inheritdoc/>
    public string Name => "hpo";

    /// <inheritdoc/>
    public string Description => "The chapter's hyperparameter search of SimpleNetwork (bayes_opt, BoTorch, TPE, random, grid, QMC; optional pruning) as a resumable study, in one or several worker processes";

    /// <inheritdoc/>
    public IReadOnlyList<Option> Options => _options.All;

    /// <inheritdoc/>
    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = _options.Read(context);
        string method = HpoSearch.ParseMethod(context.GetOption(_options.Method, "botorch"));
        var spec = settings.Spec(method, settings.Pruner, context.Seed, settings.StudyName ?? DefaultStudyName(settings, method, context.Seed));
        settings.Record(context, spec.StudyName);
        using var threads = settings.ApplyThreads();
        var storage = OpenStorage(spec.StorageUrl, settings.StorageGiven);
        using var closeStorage = storage as IDisposable;
        var study = HpoStudyRunner.OpenStudy(spec, storage, settings.WorkerIndex ?? 0);
        int before = HpoStudyRunner.FinishedTrials(storage, study.StudyId);
        if (before > 0 && before < spec.Budget.Trials) context.Note($"resuming study '{spec.StudyName}': {before} of {spec.Budget.Trials} trials were already finished");
        // With --workers K this process is worker 0 and starts K - 1 more; it loads its images while they start.
        string title = settings.Workers > 1 ? $"{spec.Label} on {spec.Dataset}, this process and {settings.Workers - 1} worker process(es)" : $"{spec.Label} on {spec.Dataset}";
        context.Track(title, spec.Budget.Trials, tick =>
        {
            int shown = Math.Min(before, spec.Budget.Trials);
            tick.Advance(shown);
            HpoStudyRunner.RunWorkers(study, spec, settings.Workers, settings.ThreadsPerTrial, context.Directory, () => LoadData(context, spec), finished =>
            {
                int now = Math.Min(finished, spec.Budget.Trials);
                if (now > shown) { tick.Advance(now - shown); shown = now; }
            });
        });
        var run = new HpoStudyRun(spec.Label, spec.Seed, spec.StudyName, study.Trials);
        // A worker leaves the report to the command that started it.
        if (settings.WorkerIndex is not null) return new ExperimentResult(HpoReport.Row([run]), [], []);
        return HpoReport.Write(context, [run], spec.Dataset, spec.Budget, settings.Workers);
    }

    /// <summary>"hpo-FashionMNIST-botorch-none-e20-quick-s42": what defines the search, so the same command finds its study again.</summary>
    internal static string DefaultStudyName(HpoSettings settings, string method, int seed) =>
        FormattableString.Invariant($"hpo-{settings.Dataset}-{method}-{settings.Pruner}-e{settings.Budget.Epochs}-{settings.Level.ToString().ToLowerInvariant()}-s{seed}");

    /// <summary>
    /// Opens the storage; the default file's folder is created, a given path must already have one (a missing or
    /// read-only location is the storage's one-line error).
    /// </summary>
    internal static IStorage OpenStorage(string url, bool given)
    {
        if (!given && url.StartsWith("sqlite:///", StringComparison.Ordinal))
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(url["sqlite:///".Length..]));
            if (folder is not null) Directory.CreateDirectory(folder);
        }
        try
        {
            return HpoStudyRunner.OpenStorage(url);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new ArgumentException($"--storage: cannot open '{url}' for writing: {e.Message}", "storage", e);
        }
    }

    /// <summary>
    /// The images of <paramref name="spec"/>'s dataset, cut to the budget's subsets. A tiny run (the tour's) on a machine
    /// without Fashion-MNIST uses the landscape experiment's seeded stand-in images and says so; other runs fail with
    /// the data locator's message.
    /// </summary>
    internal ImageClassificationData LoadData(RunContext context, HpoStudySpec spec)
    {
        // Fashion-MNIST has the tiny budget's stand-in (the experiments' one fallback); CIFAR-100 has none.
        (ImageDataset Train, ImageDataset Test, string Source) images = spec.Dataset == "FashionMNIST"
            ? LandscapeExperiment.WithStandIn(context, new ExperimentBudget(spec.Level), () => _data(spec.Dataset, spec.DataDirectory),
                () => (LandscapeExperiment.StandInImages(2000, context.Seed), LandscapeExperiment.StandInImages(500, context.Seed + 1),
                    "synthetic 28×28 ten-class stand-in (Fashion-MNIST not found)"))
            : _data(spec.Dataset, spec.DataDirectory);
        var data = HpoSearch.Prepare(spec.Dataset, images.Train, images.Test, spec.Budget, images.Source);
        context.RecordSetting("data", DataSizes(data));
        return data;
    }

    /// <summary>"Fashion-MNIST: 18000 training, 2000 validation and 5000 test images": the split sizes, as the report prints them.</summary>
    internal static string DataSizes(ImageClassificationData data) => data.Validation is { } v
        ? $"{data.Source}: {data.Train.Count} training, {v.Count} validation and {data.Test.Count} test images"
        : $"{data.Source}: {data.Train.Count} training and {data.Test.Count} test images";

    /// <summary>
    /// The dataset through the data locator (an explicit folder first), downloading into the user cache when it is
    /// nowhere. The folder is looked up once for both splits: each lookup checks every file's md5 (for Fashion-MNIST,
    /// of the decompressed contents), which costs more than reading a split.
    /// </summary>
    internal static (ImageDataset, ImageDataset, string) LoadFromLocator(string dataset, string? directory)
    {
        var (info, name) = dataset == "CIFAR100" ? (DatasetCatalog.Cifar100, "CIFAR-100") : (DatasetCatalog.FashionMnist, "Fashion-MNIST");
        string folder = new DatasetStore(DataLocator.CreateDefault(directory)).Ensure(info);
        return (DatasetStore.LoadFrom(info, folder, train: true), DatasetStore.LoadFrom(info, folder, train: false), name);
    }
}
