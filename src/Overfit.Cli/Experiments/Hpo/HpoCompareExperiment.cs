using System.CommandLine;
using Overfit.Cli.Infrastructure;
using Overfit.Tuning;

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit hpo compare</c>: several search methods on the same budget and seeds — by default the chapter's two
/// (bayes_opt, BoTorch) with TPE, random search and ASHA-pruned TPE — each as its own study in one storage (the run
/// folder's studies.db unless --storage says otherwise, so a rerun with the same --out and --storage resumes). Writes
/// the chapter's table extended with every method (best parameters and accuracy, trials, training epochs spent, wall
/// time) and the figures of <see cref="HpoFigures"/>; <c>--json</c> prints <c>{"run_dir", "rows": [...]}</c> among the
/// usual summary. In the tour it runs the tiny budget.
/// </summary>
internal sealed class HpoCompareExperiment : IExperiment
{
    /// <summary>The methods compared by default: the chapter's two, then TPE, random search and ASHA-pruned TPE.</summary>
    public static readonly string[] DefaultMethods = ["botorch", "bayesopt", "tpe", "random", "tpe+asha"];

    private readonly HpoExperiment _single;
    private readonly HpoOptions _options = new(compare: true);

    /// <param name="data">where images come from (default: the data locator, downloading when allowed)</param>
    public HpoCompareExperiment(HpoDataLoader? data = null) => _single = new HpoExperiment(data);

    /// <inheritdoc/>
    public string Name => "hpo compare";

    /// <inheritdoc/>
    public string Description => "Compare hyperparameter search methods on SimpleNetwork: the chapter's table extended with TPE, random search and ASHA-pruned TPE, with best-so-far, parallel-coordinates, slice, importance and per-epoch figures";

    /// <inheritdoc/>
    public IReadOnlyList<Option> Options => _options.All;

    /// <inheritdoc/>
    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = _options.Read(context);
        var methods = (context.GetOption(_options.Methods, []) is { Length: > 0 } given ? given : DefaultMethods)
            .SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(ParseSpec).ToList();
        if (methods.Select(m => m.Label).Distinct().Count() != methods.Count)
            throw new ArgumentException($"--methods: expected each method once, got {string.Join(", ", methods.Select(m => m.Label))}", "methods");
        context.RecordSetting("methods", string.Join(", ", methods.Select(m => m.Label)));
        settings.Record(context, null);
        using var threads = settings.ApplyThreads();
        var storage = HpoExperiment.OpenStorage(settings.StorageUrl, settings.StorageGiven);
        using var closeStorage = storage as IDisposable;
        ImageClassificationData? data = null;
        var runs = new List<HpoStudyRun>();
        int total = methods.Count * settings.Seeds * settings.Budget.Trials;
        context.Track($"{methods.Count} methods × {settings.Seeds} seed(s) on {settings.Dataset}", total, tick =>
        {
            foreach (var (method, pruner, label) in methods)
                for (int s = 0; s < settings.Seeds; s++)
                {
                    int seed = context.Seed + s;
                    var spec = settings.Spec(method, pruner, seed, FormattableString.Invariant($"compare-{settings.Dataset}-{label}-e{settings.Budget.Epochs}-s{seed}"));
                    var study = HpoStudyRunner.OpenStudy(spec, storage, 0);
                    int before = Math.Min(HpoStudyRunner.FinishedTrials(storage, study.StudyId), spec.Budget.Trials);
                    tick.Advance(before);
                    int shown = before;
                    HpoStudyRunner.RunWorkers(study, spec, settings.Workers, settings.ThreadsPerTrial, context.Directory, () => data ??= _single.LoadData(context, spec), finished =>
                    {
                        int now = Math.Min(finished, spec.Budget.Trials);
                        if (now > shown) { tick.Advance(now - shown); shown = now; }
                    });
                    tick.Advance(spec.Budget.Trials - shown);
                    runs.Add(new HpoStudyRun(label, seed, spec.StudyName, study.Trials));
                    tick.Status($"{label} seed {seed}: best {runs[^1].BestAccuracy:F4}");
                }
        });
        return HpoReport.Write(context, runs, settings.Dataset, settings.Budget, settings.Workers);
    }

    /// <summary>"tpe" or "tpe+asha": a method and an optional pruner.</summary>
    internal static (string Method, string Pruner, string Label) ParseSpec(string text)
    {
        var parts = text.Split('+', 2, StringSplitOptions.TrimEntries);
        string method = HpoSearch.ParseMethod(parts[0]);
        string pruner = parts.Length > 1 ? HpoSearch.ParsePruner(parts[1]) : "none";
        return (method, pruner, pruner == "none" ? method : $"{method}+{pruner}");
    }
}
