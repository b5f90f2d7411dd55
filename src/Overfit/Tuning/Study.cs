namespace Overfit.Tuning;

/// <summary>
/// An optimization task over a storage (Optuna's Study): ask/tell is the primitive and <c>Optimize</c> is a loop over
/// it. A study is a handle — several Study objects (threads, processes) may work on the same stored study.
/// </summary>
public sealed partial class Study
{
    private readonly Func<FrozenTrial, bool>? _trialFilter;
    private readonly StopFlag _stop;

    /// <summary>Shared by a study and its narrowed views, so a view's Stop ends the caller's loop.</summary>
    private sealed class StopFlag { public volatile bool Requested; }

    private Study(string studyName, int studyId, IStorage storage, ISampler sampler, IPruner pruner, IReadOnlyList<StudyDirection> directions, Func<FrozenTrial, bool>? trialFilter = null, StopFlag? stop = null)
    {
        _stop = stop ?? new StopFlag();
        StudyName = studyName;
        StudyId = studyId;
        Storage = storage;
        Sampler = sampler;
        Pruner = pruner;
        Directions = directions;
        _trialFilter = trialFilter;
    }

    /// <summary>The study's name in its storage.</summary>
    public string StudyName { get; }
    /// <summary>The study's id in its storage.</summary>
    public int StudyId { get; }
    /// <summary>Where the study's trials are kept.</summary>
    public IStorage Storage { get; }
    /// <summary>The sampler proposing parameters.</summary>
    public ISampler Sampler { get; }
    /// <summary>The pruner deciding early stops.</summary>
    public IPruner Pruner { get; }
    /// <summary>One direction per objective.</summary>
    public IReadOnlyList<StudyDirection> Directions { get; }
    /// <summary>The single objective's direction; throws for multi-objective studies.</summary>
    public StudyDirection Direction => Directions.Count == 1 ? Directions[0]
        : throw new InvalidOperationException($"study '{StudyName}' has {Directions.Count} objectives; use Directions");
    /// <summary>True with more than one objective.</summary>
    public bool IsMultiObjective => Directions.Count > 1;

    /// <summary>
    /// Creates a study (Optuna's create_study). Defaults: in-memory storage, <see cref="TpeSampler"/> (<see cref="NsgaIISampler"/> for several objectives),
    /// <see cref="MedianPruner"/>, minimize. Give <paramref name="directions"/> for several objectives.
    /// </summary>
    public static Study Create(string? studyName = null, IStorage? storage = null, ISampler? sampler = null, IPruner? pruner = null,
        StudyDirection direction = StudyDirection.Minimize, IReadOnlyList<StudyDirection>? directions = null, bool loadIfExists = false)
    {
        var dirs = directions ?? [direction];
        StudyNaming.CheckDirections(dirs);
        storage ??= new InMemoryStorage();
        int id;
        try
        {
            id = storage.CreateNewStudy(dirs, studyName);
        }
        catch (DuplicatedStudyException) when (loadIfExists && studyName is not null)
        {
            return Load(studyName, storage, sampler, pruner);
        }
        return new Study(storage.GetStudyNameFromId(id), id, storage, sampler ?? DefaultSampler(dirs), pruner ?? new MedianPruner(), storage.GetStudyDirections(id));
    }

    /// <summary>Opens an existing study by name (Optuna's load_study); throws KeyNotFoundException naming it when absent.</summary>
    public static Study Load(string studyName, IStorage storage, ISampler? sampler = null, IPruner? pruner = null)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        ArgumentNullException.ThrowIfNull(storage);
        int id = storage.GetStudyIdFromName(studyName);
        var dirs = storage.GetStudyDirections(id);
        return new Study(studyName, id, storage, sampler ?? DefaultSampler(dirs), pruner ?? new MedianPruner(), dirs);
    }

    /// <summary>Deletes a stored study and its trials.</summary>
    public static void Delete(string studyName, IStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        storage.DeleteStudy(storage.GetStudyIdFromName(studyName));
    }

    /// <summary>The default sampler, as Optuna 3.1 picks it: TPE for one objective, NSGA-II for several.</summary>
    internal static ISampler DefaultSampler(IReadOnlyList<StudyDirection> directions)
        => directions.Count > 1 ? new NsgaIISampler() : new TpeSampler();

    /// <summary>All trials, ordered by number.</summary>
    public IReadOnlyList<FrozenTrial> Trials => GetTrials();

    /// <summary>Trials in the given states (all when null), ordered by number.</summary>
    public IReadOnlyList<FrozenTrial> GetTrials(IReadOnlyCollection<TrialState>? states = null)
    {
        var all = Storage.GetAllTrials(StudyId, states);
        return _trialFilter is null ? all : all.Where(_trialFilter).ToArray();
    }

    /// <summary>True for a sampler's narrowed view of the study (a Hyperband bracket): its trial list depends on the trial asking.</summary>
    internal bool IsFiltered => _trialFilter is not null;

    /// <summary>The study's user attributes (Optuna's study.user_attrs).</summary>
    public IReadOnlyDictionary<string, object?> UserAttrs => Storage.GetStudyUserAttrs(StudyId);
    /// <summary>The study's system attributes.</summary>
    public IReadOnlyDictionary<string, object?> SystemAttrs => Storage.GetStudySystemAttrs(StudyId);
    /// <summary>Sets a user attribute (JSON-shaped value; like optuna's study.set_user_attr).</summary>
    public void SetUserAttr(string key, object? value) => Storage.SetStudyUserAttr(StudyId, key, value);
    /// <summary>Sets a system attribute (JSON-shaped value).</summary>
    public void SetSystemAttr(string key, object? value) => Storage.SetStudySystemAttr(StudyId, key, value);

    /// <summary>Asks a running <see cref="Optimize(Func{Trial, double}, int?, TimeSpan?, int, IEnumerable{Action{Study, FrozenTrial}}?, IReadOnlyCollection{Type}?, IProgress{StudyProgress}?)"/> to finish the trials in flight and return.</summary>
    public void Stop() => _stop.Requested = true;

    /// <summary>The view of this study a sampler gets for <paramref name="trial"/>: pruners that split trials into brackets (Hyperband) narrow it.</summary>
    internal Study ForSampling(FrozenTrial trial)
    {
        if (Pruner is not IBracketingPruner bracketing) return this;
        var filter = bracketing.TrialFilter(this, trial);
        return filter is null ? this : WithFilter(filter);
    }

    /// <summary>A view of this study whose trial lists keep only trials passing <paramref name="filter"/>; Stop reaches this study.</summary>
    internal Study WithFilter(Func<FrozenTrial, bool> filter)
        => new(StudyName, StudyId, Storage, Sampler, Pruner, Directions, _trialFilter is null ? filter : t => _trialFilter(t) && filter(t), _stop);
}

/// <summary>A pruner that splits trials into groups that samplers should see apart (Optuna's _filter_study for Hyperband).</summary>
internal interface IBracketingPruner
{
    Func<FrozenTrial, bool>? TrialFilter(Study study, FrozenTrial trial);
}
