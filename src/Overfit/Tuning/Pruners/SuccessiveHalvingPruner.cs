namespace Overfit.Tuning;

/// <summary>
/// Asynchronous successive halving (ASHA; Optuna's SuccessiveHalvingPruner). Rung k is reached at step
/// minResource·reductionFactor^(minEarlyStoppingRate + k); a trial reaching a rung records its value in the system
/// attribute "completed_rung_k" and continues only when it is in the top 1/reductionFactor of the values recorded at
/// that rung so far (it is compared with at least one, itself included). A null minResource is estimated, as Optuna's
/// "auto", as max(last step of the complete trials / 100, 1) once a trial completed.
/// </summary>
public sealed class SuccessiveHalvingPruner : IPruner
{
    private int? _minResource;
    private readonly int _reductionFactor, _minEarlyStoppingRate, _bootstrapCount;

    /// <summary>ASHA (like optuna.pruners.SuccessiveHalvingPruner).</summary>
    /// <param name="minResource">Steps before the first rung, ≥ 1, or null to estimate it.</param>
    /// <param name="reductionFactor">Rung-to-rung factor, ≥ 2 (default 4).</param>
    /// <param name="minEarlyStoppingRate">Rung offset s, ≥ 0.</param>
    /// <param name="bootstrapCount">Trials a rung needs before it prunes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="ArgumentException">bootstrapCount &gt; 0 without minResource.</exception>
    public SuccessiveHalvingPruner(int? minResource = null, int reductionFactor = 4, int minEarlyStoppingRate = 0, int bootstrapCount = 0)
    {
        if (minResource is < 1) throw new ArgumentOutOfRangeException(nameof(minResource), minResource, $"minResource must be >= 1 or null (auto), got {minResource}");
        if (reductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, $"reductionFactor must be >= 2, got {reductionFactor}");
        if (minEarlyStoppingRate < 0) throw new ArgumentOutOfRangeException(nameof(minEarlyStoppingRate), minEarlyStoppingRate, $"minEarlyStoppingRate must be >= 0, got {minEarlyStoppingRate}");
        if (bootstrapCount < 0) throw new ArgumentOutOfRangeException(nameof(bootstrapCount), bootstrapCount, $"bootstrapCount must be >= 0, got {bootstrapCount}");
        if (bootstrapCount > 0 && minResource is null) throw new ArgumentException("bootstrapCount > 0 needs an explicit minResource (as in Optuna)", nameof(bootstrapCount));
        (_minResource, _reductionFactor, _minEarlyStoppingRate, _bootstrapCount) = (minResource, reductionFactor, minEarlyStoppingRate, bootstrapCount);
    }

    internal static string RungKey(int rung) => $"completed_rung_{rung}";

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        if (trial.LastStep is not { } step) return false;
        int rung = 0;
        while (trial.SystemAttrs.ContainsKey(RungKey(rung))) rung++;
        double value = trial.IntermediateValues[step];
        IReadOnlyList<FrozenTrial>? trials = null;
        while (true)
        {
            if (_minResource is null)
            {
                trials ??= study.GetTrials();
                var lastSteps = trials.Where(t => t.State == TrialState.Complete && t.LastStep is not null).Select(t => t.LastStep!.Value).ToArray();
                if (lastSteps.Length == 0) return false;
                _minResource = Math.Max(lastSteps.Max() / 100, 1);
            }
            double promotionStep = _minResource.Value * Math.Pow(_reductionFactor, _minEarlyStoppingRate + rung);
            if (step < promotionStep) return false;
            if (double.IsNaN(value)) return true;
            trials ??= study.GetTrials();
            string key = RungKey(rung);
            study.Storage.SetTrialSystemAttr(trial.TrialId, key, value);
            var competing = new List<double>();
            foreach (var t in trials)
                if (t.TrialId != trial.TrialId && t.SystemAttrs.TryGetValue(key, out var v) && v is double or long)
                    competing.Add(Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture));
            competing.Add(value);
            if (competing.Count <= _bootstrapCount) return true;
            if (!Promotable(value, competing, _reductionFactor, study.Direction)) return true;
            rung++;
        }
    }

    private static bool Promotable(double value, List<double> competing, int reductionFactor, StudyDirection direction)
    {
        int index = Math.Max(competing.Count / reductionFactor - 1, 0);
        competing.Sort();
        return direction == StudyDirection.Maximize ? value >= competing[^(index + 1)] : value <= competing[index];
    }
}

/// <summary>
/// Hyperband (Optuna's HyperbandPruner): several successive-halving brackets with min early-stopping rates
/// 0..n−1, n = ⌊log_η(maxResource / minResource)⌋ + 1; a trial's bracket comes from the CRC-32 of
/// "{study name}_{trial number}" over the brackets' budgets ⌈n·η^s/(s+1)⌉, and both the pruner and the sampler only
/// see the trials of the same bracket. A null maxResource is taken, as "auto", from the complete trials' last step + 1.
/// </summary>
public sealed class HyperbandPruner : IPruner, IBracketingPruner
{
    private readonly int _minResource, _reductionFactor, _bootstrapCount;
    private int? _maxResource;
    private readonly Lock _lock = new();
    private SuccessiveHalvingPruner[] _pruners = [];
    private int[] _budgets = [];
    private int _totalBudget;

    /// <summary>Hyperband over successive-halving brackets (like optuna.pruners.HyperbandPruner).</summary>
    /// <param name="minResource">Smallest resource, ≥ 1.</param>
    /// <param name="maxResource">Largest resource, or null to take it from the complete trials' last step + 1.</param>
    /// <param name="reductionFactor">Rung-to-rung factor, ≥ 2 (default 3).</param>
    /// <param name="bootstrapCount">Trials a rung needs before it prunes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="ArgumentException">bootstrapCount &gt; 0 without maxResource.</exception>
    public HyperbandPruner(int minResource = 1, int? maxResource = null, int reductionFactor = 3, int bootstrapCount = 0)
    {
        if (minResource < 1) throw new ArgumentOutOfRangeException(nameof(minResource), minResource, $"minResource must be >= 1, got {minResource}");
        if (maxResource is { } m && m < minResource) throw new ArgumentOutOfRangeException(nameof(maxResource), maxResource, $"maxResource must be >= minResource ({minResource}), got {m}");
        if (reductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, $"reductionFactor must be >= 2, got {reductionFactor}");
        if (bootstrapCount > 0 && maxResource is null) throw new ArgumentException("bootstrapCount > 0 needs an explicit maxResource (as in Optuna)", nameof(bootstrapCount));
        (_minResource, _maxResource, _reductionFactor, _bootstrapCount) = (minResource, maxResource, reductionFactor, bootstrapCount);
    }

    /// <summary>Number of brackets (0 until maxResource is known).</summary>
    public int BracketCount => _pruners.Length;

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        if (!Initialize(study)) return false;
        int bracket = BracketId(study.StudyName, trial.Number);
        return _pruners[bracket].Prune(study.WithFilter(t => BracketId(study.StudyName, t.Number) == bracket), trial);
    }

    Func<FrozenTrial, bool>? IBracketingPruner.TrialFilter(Study study, FrozenTrial trial)
    {
        if (!Initialize(study)) return null;
        int bracket = BracketId(study.StudyName, trial.Number);
        string name = study.StudyName;
        return t => BracketId(name, t.Number) == bracket;
    }

    private bool Initialize(Study study)
    {
        lock (_lock)
        {
            if (_pruners.Length > 0) return true;
            if (_maxResource is null)
            {
                var steps = study.GetTrials([TrialState.Complete]).Where(t => t.LastStep is not null).Select(t => t.LastStep!.Value).ToArray();
                if (steps.Length == 0) return false;
                _maxResource = steps.Max() + 1;
            }
            int n = (int)Math.Floor(Math.Log((double)_maxResource.Value / _minResource, _reductionFactor)) + 1;
            _budgets = new int[n];
            var pruners = new SuccessiveHalvingPruner[n];
            for (int b = 0; b < n; b++)
            {
                int s = n - 1 - b;
                _budgets[b] = (int)Math.Ceiling(n * Math.Pow(_reductionFactor, s) / (s + 1));
                _totalBudget += _budgets[b];
                pruners[b] = new SuccessiveHalvingPruner(_minResource, _reductionFactor, b, _bootstrapCount);
            }
            _pruners = pruners;
            return true;
        }
    }

    /// <summary>The bracket of a trial: CRC-32 of "{study}_{number}" modulo the total budget, walked through the brackets' budgets.</summary>
    internal int BracketId(string studyName, int trialNumber)
    {
        if (_pruners.Length == 0) return 0;
        long n = Crc32(System.Text.Encoding.UTF8.GetBytes($"{studyName}_{trialNumber}")) % (uint)_totalBudget;
        for (int b = 0; b < _budgets.Length; b++)
        {
            n -= _budgets[b];
            if (n < 0) return b;
        }
        return _budgets.Length - 1;
    }

    /// <summary>CRC-32 as zlib and Python's binascii.crc32 compute it (reflected polynomial 0xEDB88320).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
