using System.Globalization;
using Overfit.Cli.Infrastructure;
using Overfit.Tuning;

namespace Overfit.Cli.Experiments;

/// <summary>Everything that defines one HPO study: what is tuned on what, how long, and where the trials are kept.</summary>
internal sealed record HpoStudySpec(string Dataset, string Method, string Pruner, HpoBudget Budget, int Seed, string StorageUrl, string StudyName,
    BudgetLevel Level, string? DataDirectory)
{
    /// <summary>The method with its pruner as shown in tables: "tpe", "tpe+asha".</summary>
    public string Label => Pruner == "none" ? Method : $"{Method}+{Pruner}";

    /// <summary>
    /// What a trial of this study computes; stored with the study so that resuming it with other settings (another
    /// dataset, epoch count, subset, method or pruner) is refused instead of mixing incomparable trials.
    /// </summary>
    public string Objective => string.Create(CultureInfo.InvariantCulture,
        $"{Dataset}; epochs {Budget.Epochs}; train {Budget.TrainCount?.ToString(CultureInfo.InvariantCulture) ?? "all"}; test {Budget.TestCount?.ToString(CultureInfo.InvariantCulture) ?? "all"}; method {Method}; init {Budget.Init}; pruner {Pruner}; seed {Seed}")
        // Studies from before the validation split (their per-epoch values are test accuracies) resume with --validation-fraction 0.
        + (Budget.ValidationFraction > 0 ? string.Create(CultureInfo.InvariantCulture, $"; validation {Budget.ValidationFraction:R}") : "");
}

/// <summary>
/// Runs the trials of an <see cref="HpoStudySpec"/> on its storage, in this process alone or in this process and K − 1
/// worker processes of the same executable sharing the storage. The study stops at <c>Trials</c> finished (COMPLETE or PRUNED) trials, counted across
/// all workers, so a second run of the same command after a crash only runs what is missing; heartbeats fail the
/// trials of a dead worker, and each is retried once with the same parameters.
/// </summary>
internal static class HpoStudyRunner
{
    /// <summary>Heartbeat interval of running trials; a trial silent for twice this long is failed and retried.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    private const string ObjectiveAttr = "objective";

    /// <summary>
    /// Opens the storage at <paramref name="url"/> through <see cref="StorageFactory"/> (SQLite here, any storage the
    /// factory knows), with heartbeats and a retry for trials of dead workers.
    /// </summary>
    public static IStorage OpenStorage(string url) =>
        StorageFactory.FromUrl(url, Heartbeat, new RetryFailedTrialCallback(maxRetry: 1).Invoke);

    /// <summary>
    /// Creates the study or loads it when it exists; the sampler's seed differs per worker so parallel workers do not
    /// propose the same random points.
    /// </summary>
    /// <exception cref="ArgumentException">the stored study holds trials of another objective</exception>
    public static Study OpenStudy(HpoStudySpec spec, IStorage storage, int workerIndex)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ulong samplerSeed = unchecked((ulong)spec.Seed + (ulong)workerIndex * 7919UL);
        var study = Study.Create(spec.StudyName, storage, HpoSearch.CreateSampler(spec.Method, spec.Dataset, spec.Budget.Init, samplerSeed),
            HpoSearch.CreatePruner(spec.Pruner, spec.Budget.Epochs), StudyDirection.Maximize, loadIfExists: true);
        if (study.Direction != StudyDirection.Maximize)
            throw new ArgumentException($"--study: study '{spec.StudyName}' minimizes; an HPO study maximizes the test accuracy", "study");
        if (study.UserAttrs.TryGetValue(ObjectiveAttr, out var stored) && stored is string s && s != spec.Objective)
            throw new ArgumentException($"--study: study '{spec.StudyName}' holds trials of another search ({s}); this run is ({spec.Objective}): give another --study name", "study");
        if (!study.UserAttrs.ContainsKey(ObjectiveAttr)) study.SetUserAttr(ObjectiveAttr, spec.Objective);
        return study;
    }

    /// <summary>Trials counted toward the study's budget.</summary>
    public static int FinishedTrials(IStorage storage, int studyId) => storage.GetNTrials(studyId, [TrialState.Complete, TrialState.Pruned]);

    /// <summary>
    /// Runs trials in this process until the study holds <c>Trials</c> finished ones; <paramref name="afterTrial"/> sees each.
    /// A new trial starts only while the finished and running trials of all workers together fall short of the budget:
    /// when the last trials are running elsewhere this worker waits for them instead of starting one more (that extra
    /// trial would hold up the end of the study by a whole trial). Should a running trial fail or its worker die (its
    /// heartbeat stops, it is failed and re-enqueued), the budget falls short again and a waiting worker takes it. A grid
    /// with fewer points than the budget ends the run when its last point is taken.
    /// </summary>
    public static void RunInProcess(Study study, HpoStudySpec spec, ImageClassificationData data, Action<FrozenTrial>? afterTrial = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        int ran = 0;
        var callbacks = new List<Action<Study, FrozenTrial>> { (_, _) => ran++ };
        if (afterTrial is not null) callbacks.Add((_, t) => afterTrial(t));
        // Without heartbeats a RUNNING trial left by a crash never ends, so only a storage that fails dead trials lets
        // this worker wait for the running ones.
        bool watchesHeartbeats = study.Storage is IHeartbeatStorage { HeartbeatInterval: not null };
        while (FinishedTrials(study.Storage, study.StudyId) is var finished && finished < spec.Budget.Trials)
        {
            if (watchesHeartbeats && finished + study.Storage.GetNTrials(study.StudyId, [TrialState.Running]) >= spec.Budget.Trials)
            {
                study.FailStaleTrials();
                Thread.Sleep(LastTrialsPoll);
                continue;
            }
            int before = ran;
            study.Optimize(trial => SimpleNetworkTraining.Objective(trial, data, HpoSearch.Suggest(trial, spec.Dataset), spec.Budget.Epochs, TrialSeed(spec.Seed, trial.Number)),
                nTrials: 1, callbacks: callbacks);
            // No trial ran: the sampler has nothing left to hand out (a grid smaller than the budget, every point taken).
            if (ran == before) return;
        }
    }

    /// <summary>How often a worker waiting for the study's last running trials looks at the storage again.</summary>
    private static readonly TimeSpan LastTrialsPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The training seed of trial <paramref name="number"/>: the same trial number trains the same way in any worker.</summary>
    public static ulong TrialSeed(int seed, int number) => unchecked((ulong)seed * 1_000_003UL + (ulong)number);

    /// <summary>
    /// Runs the study with <paramref name="workers"/> workers: K − 1 processes of this executable (indices 1 … K − 1,
    /// see <see cref="HpoWorkerProcesses"/>) and this process as worker 0, which loads its images through
    /// <paramref name="data"/> while the others start (one process start and one data load fewer than K processes).
    /// <paramref name="progress"/> sees the study's finished-trial count after each trial of this process and about
    /// once a second while it waits for the others.
    /// </summary>
    /// <exception cref="InvalidOperationException">a worker process exited with an error (its last error line is quoted)</exception>
    public static void RunWorkers(Study study, HpoStudySpec spec, int workers, int? threadsPerTrial, string directory, Func<ImageClassificationData> data,
        Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        if (FinishedTrials(study.Storage, study.StudyId) >= spec.Budget.Trials) return;
        using var others = HpoWorkerProcesses.Start(spec, firstIndex: 1, count: workers - 1, threadsPerTrial, directory);
        RunInProcess(study, spec, data(), _ => progress?.Invoke(FinishedTrials(study.Storage, study.StudyId)));
        others.WaitForExit(() => progress?.Invoke(FinishedTrials(study.Storage, study.StudyId)));
    }
}
