namespace Overfit.Tuning;

/// <summary>
/// Where studies and trials live (Optuna's BaseStorage). One contract for every backend: in memory here, and the RDB
/// storages over Optuna's schema (studies, study_directions, study attributes, trials, trial_params with
/// distribution_json, trial_values, trial_intermediate_values, trial attributes, trial_heartbeats). Implementations are
/// thread-safe; every read returns immutable records. Attribute values are JSON-shaped (null, bool, long, double,
/// string, object?[] and string-keyed dictionaries) because the RDB storages keep them as JSON text; every storage
/// normalizes values the same way (see <see cref="AttrJson"/>).
/// </summary>
public interface IStorage
{
    // ---- studies ----

    /// <summary>Creates a study and returns its id; throws <see cref="DuplicatedStudyException"/> when the name is taken. A null name gets a fresh unique one.</summary>
    int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null);
    /// <summary>Deletes a study and all its trials; throws KeyNotFoundException for an unknown id.</summary>
    void DeleteStudy(int studyId);
    /// <summary>Sets a study user attribute (a JSON-shaped value) under <paramref name="key"/>.</summary>
    void SetStudyUserAttr(int studyId, string key, object? value);
    /// <summary>Sets a study system attribute (a JSON-shaped value) under <paramref name="key"/>.</summary>
    void SetStudySystemAttr(int studyId, string key, object? value);
    /// <summary>Throws KeyNotFoundException naming the study when none has that name.</summary>
    int GetStudyIdFromName(string studyName);
    /// <summary>The study's name; throws KeyNotFoundException for an unknown id.</summary>
    string GetStudyNameFromId(int studyId);
    /// <summary>One direction per objective.</summary>
    IReadOnlyList<StudyDirection> GetStudyDirections(int studyId);
    /// <summary>The study's user attributes.</summary>
    IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId);
    /// <summary>The study's system attributes.</summary>
    IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId);
    /// <summary>All studies: id, name and directions.</summary>
    IReadOnlyList<StudySummary> GetAllStudies();

    // ---- trials ----

    /// <summary>
    /// Adds a trial to the study and returns its id. Without a template it is RUNNING with the start time now; with a
    /// template (an enqueued WAITING trial, or a finished one being added) its state, values, params, attributes and
    /// times are copied. The trial number is the study's next one.
    /// </summary>
    int CreateNewTrial(int studyId, FrozenTrial? template = null);
    /// <summary>
    /// Creates a RUNNING trial whose system attributes <paramref name="claim"/> picks from the study's trials while trial
    /// creation in the study is locked, so the pick and the new trial are one transaction: no two callers — threads or
    /// processes — pick from the same state (how <see cref="GridSampler"/> hands out each grid point once). Returns the
    /// new trial's id, or null (creating nothing) when <paramref name="claim"/> returns null. The callback may run more
    /// than once (a retried transaction) and must not call the storage.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No study has id <paramref name="studyId"/>.</exception>
    int? ClaimNewTrial(int studyId, Func<IReadOnlyList<FrozenTrial>, IReadOnlyDictionary<string, object?>?> claim);
    /// <summary>Records a parameter; throws when the trial is finished or when the distribution is incompatible with the one the study already records under that name.</summary>
    void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution);
    /// <summary>The id of the study's trial with that number; throws KeyNotFoundException when there is none.</summary>
    int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber);
    /// <summary>The trial's number within its study.</summary>
    int GetTrialNumberFromId(int trialId);
    /// <summary>A parameter's internal (float) representation; throws KeyNotFoundException when the trial lacks it.</summary>
    double GetTrialParam(int trialId, string paramName);
    /// <summary>
    /// Moves a trial to a state with optional values. Returns false (and changes nothing) when asked to make a trial
    /// RUNNING that is no longer WAITING, which is how concurrent workers race for an enqueued trial. Throws when the
    /// trial is already finished. Finished states set DatetimeComplete; RUNNING sets DatetimeStart.
    /// </summary>
    bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null);
    /// <summary>
    /// <see cref="SetTrialStateValues(int, TrialState, IReadOnlyList{double}?)"/> that also sets the trial's system
    /// attributes (such as <see cref="Study.FailReasonKey"/>) atomically with the state: both happen or neither does.
    /// </summary>
    bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values, IReadOnlyDictionary<string, object?>? systemAttrs);
    /// <summary>
    /// Claims the study's oldest WAITING (enqueued) trial by making it RUNNING and returns its id, or null when none
    /// waits. Each waiting trial goes to exactly one caller, across threads and processes.
    /// </summary>
    int? PopWaitingTrial(int studyId)
    {
        foreach (var waiting in GetAllTrials(studyId, [TrialState.Waiting]))
            if (SetTrialStateValues(waiting.TrialId, TrialState.Running)) return waiting.TrialId;
        return null;
    }
    /// <summary>Records the value reported at <paramref name="step"/> (NaN and infinities allowed); throws when the trial is finished.</summary>
    void SetTrialIntermediateValue(int trialId, int step, double value);
    /// <summary>Sets a trial user attribute; throws when the trial is finished.</summary>
    void SetTrialUserAttr(int trialId, string key, object? value);
    /// <summary>Sets a trial system attribute; throws when the trial is finished.</summary>
    void SetTrialSystemAttr(int trialId, string key, object? value);
    /// <summary>A snapshot of the trial; throws KeyNotFoundException for an unknown id.</summary>
    FrozenTrial GetTrial(int trialId);
    /// <summary>The study's trials ordered by number, optionally only those in the given states.</summary>
    IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null);
    /// <summary>How many trials the study has, optionally only those in the given states.</summary>
    int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null);

    /// <summary>
    /// The study's trials numbered <paramref name="fromNumber"/> or later, plus those whose numbers are in
    /// <paramref name="alsoNumbers"/>, ordered by number. A reader that holds the first <paramref name="fromNumber"/>
    /// trials and lists its unfinished ones here gets everything that can have changed, because finished trials never
    /// change. Storages override this with a query that reads only those trials.
    /// </summary>
    IReadOnlyList<FrozenTrial> GetTrialsFromNumber(int studyId, int fromNumber, IReadOnlyCollection<int>? alsoNumbers = null)
        => GetAllTrials(studyId).Where(t => t.Number >= fromNumber || (alsoNumbers?.Contains(t.Number) ?? false)).ToArray();
}

/// <summary>
/// A storage that tracks liveness of running trials (Optuna's BaseHeartbeat): workers record heartbeats, and a RUNNING
/// trial whose last heartbeat is older than the grace period is failed by the next worker that asks.
/// </summary>
public interface IHeartbeatStorage : IStorage
{
    /// <summary>Seconds between heartbeats of a running trial; null disables heartbeats.</summary>
    TimeSpan? HeartbeatInterval { get; }
    /// <summary>Called with each trial failed as stale (Optuna's failed_trial_callback, e.g. a retry callback).</summary>
    Action<Study, FrozenTrial>? FailedTrialCallback { get; }
    /// <summary>Records that the trial's worker is alive now.</summary>
    void RecordHeartbeat(int trialId);
    /// <summary>Ids of RUNNING trials of the study whose heartbeat is older than the grace period.</summary>
    IReadOnlyList<int> GetStaleTrialIds(int studyId);
}

/// <summary>A study as listed by <see cref="IStorage.GetAllStudies"/>.</summary>
public sealed record StudySummary(int StudyId, string StudyName, IReadOnlyList<StudyDirection> Directions);

/// <summary>Thrown when creating a study whose name already exists.</summary>
public sealed class DuplicatedStudyException(string studyName)
    : InvalidOperationException($"a study named '{studyName}' already exists; use Study.Load or loadIfExists: true")
{
    /// <summary>The name that was taken.</summary>
    public string StudyName { get; } = studyName;
}
