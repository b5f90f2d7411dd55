using System.Runtime.CompilerServices;

namespace Overfit.Tuning;

public sealed partial class TpeSampler
{
    /// <summary>A finished (or, with constant liar, running) trial as TPE ranks it: lexicographically by (Step, Score);
    /// with constraints, feasible (Violation 0) before infeasible first.</summary>
    private sealed record Observation(FrozenTrial Trial, double Step, double[] Score, double Violation = 0);

    /// <summary>
    /// Everything TPE derives from one study's trials, updated incrementally: finished trials never change, so each
    /// is converted once; the split and the fitted estimators are reused until the set of observations changes.
    /// </summary>
    private sealed class StudyCache
    {
        public readonly Lock Lock = new();
        public readonly Dictionary<int, Observation> FinishedByNumber = [];
        public List<Observation> Finished = []; // ordered by trial number
        public long Version;
        public (long Version, string Running, Observation[] All, int[] Below, int[] Above, double[]? BelowWeights)? Split;
        public readonly Dictionary<string, (long Version, string Running, ParzenEstimator Below, ParzenEstimator Above)> Estimators = [];
    }

    private readonly ConditionalWeakTable<IStorage, Dictionary<int, StudyCache>> _caches = new();

    private StudyCache CacheFor(Study study)
    {
        if (study.IsFiltered) return new StudyCache(); // a bracket's view (Hyperband) changes with the trial; start afresh
        var perStorage = _caches.GetOrCreateValue(study.Storage);
        lock (perStorage)
        {
            if (!perStorage.TryGetValue(study.StudyId, out var cache)) perStorage[study.StudyId] = cache = new StudyCache();
            return cache;
        }
    }

    private (ParzenEstimator? Below, ParzenEstimator? Above) Estimators(Study study, string[] names, Distribution[] dists)
    {
        var cache = CacheFor(study);
        TrialState[] states = _constantLiar ? [TrialState.Complete, TrialState.Pruned, TrialState.Running] : [TrialState.Complete, TrialState.Pruned];
        var trials = study.GetTrials(states);
        lock (cache.Lock)
        {
            var running = Ingest(study, cache, trials);
            int n = cache.Finished.Count;
            if (n < _nStartupTrials) return (null, null);
            string runningKey = running.Count == 0 ? "" : string.Join(",", running.Select(o => o.Trial.Number));
            var split = SplitFor(study, cache, running, runningKey, n);
            string key = string.Join("\u0001", names.Select((nm, j) => nm + "\u0002" + dists[j].ToJson()));
            if (cache.Estimators.TryGetValue(key, out var hit) && hit.Version == cache.Version && hit.Running == runningKey)
                return (hit.Below, hit.Above);
            var below = Fit(split.All, split.Below, names, dists, split.BelowWeights);
            var above = Fit(split.All, split.Above, names, dists, null);
            cache.Estimators[key] = (cache.Version, runningKey, below, above);
            return (below, above);
        }
    }

    /// <summary>Adds newly finished trials to the cache; returns the running trials (constant liar) as observations.</summary>
    private List<Observation> Ingest(Study study, StudyCache cache, IReadOnlyList<FrozenTrial> trials)
    {
        var running = new List<Observation>();
        int finishedSeen = 0;
        foreach (var t in trials) if (t.State != TrialState.Running) finishedSeen++;
        bool added = false;
        if (finishedSeen != cache.FinishedByNumber.Count)
        {
            foreach (var t in trials)
            {
                if (t.State == TrialState.Running || cache.FinishedByNumber.ContainsKey(t.Number)) continue;
                if (ToObservation(study, t) is { } o)
                {
                    // The constraints attribute is written before the trial finishes, so a finished trial's value is final.
                    cache.FinishedByNumber[t.Number] = _constraintsFunc is null ? o : o with { Violation = TrialConstraints.Violation(t) };
                    added = true;
                }
                else cache.FinishedByNumber[t.Number] = new Observation(t, double.NaN, []); // skipped, remembered
            }
        }
        if (added)
        {
            cache.Finished = cache.FinishedByNumber.Values.Where(o => !double.IsNaN(o.Step)).OrderBy(o => o.Trial.Number).ToList();
            cache.Version++;
        }
        if (_constantLiar && !study.IsMultiObjective)
            foreach (var t in trials)
                if (t.State == TrialState.Running) running.Add(new Observation(t, double.PositiveInfinity, [double.PositiveInfinity], _constraintsFunc is null ? 0 : double.PositiveInfinity));
        return running;
    }

    /// <summary>Optuna's _get_observation_pairs score of a finished trial, or null when it does not take part.</summary>
    private static Observation? ToObservation(Study study, FrozenTrial t)
    {
        var dirs = study.Directions;
        if (t.State == TrialState.Complete)
        {
            if (t.Values is null) return null;
            return new Observation(t, double.NegativeInfinity, t.Values.Select((v, i) => dirs[i] == StudyDirection.Maximize ? -v : v).ToArray());
        }
        if (t.State == TrialState.Pruned && !study.IsMultiObjective)
        {
            double sign = dirs[0] == StudyDirection.Maximize ? -1 : 1;
            if (t.IntermediateValues.Count == 0) return new Observation(t, 1, [0.0]);
            int last = t.IntermediateValues.Keys.Max();
            double v = t.IntermediateValues[last];
            return new Observation(t, -last, [double.IsNaN(v) ? double.PositiveInfinity : sign * v]);
        }
        return null;
    }

    private (Observation[] All, int[] Below, int[] Above, double[]? BelowWeights) SplitFor(Study study, StudyCache cache, List<Observation> running, string runningKey, int n)
    {
        if (cache.Split is { } s && s.Version == cache.Version && s.Running == runningKey) return (s.All, s.Below, s.Above, s.BelowWeights);
        var all = running.Count == 0 ? cache.Finished.ToArray() : cache.Finished.Concat(running).OrderBy(o => o.Trial.Number).ToArray();
        int nBelow = Math.Clamp(_gamma(n), 0, all.Length);
        var scores = all.Select(o => o.Score).ToArray();
        var violations = _constraintsFunc is null ? null : all.Select(o => o.Violation).ToArray();
        var below = SplitBelow(all.Select(o => o.Step).ToArray(), scores, violations, study.IsMultiObjective, nBelow);
        var belowWeights = study.IsMultiObjective ? WeightsBelow(scores, below, violations) : null;
        var isBelow = new bool[all.Length];
        foreach (int i in below) isBelow[i] = true;
        var above = Enumerable.Range(0, all.Length).Where(i => !isBelow[i]).ToArray();
        cache.Split = (cache.Version, runningKey, all, below, above, belowWeights);
        return (all, below, above, belowWeights);
    }

    /// <summary>
    /// Optuna's _split_observation_pairs: the indices of the "below" observations, ascending. Without violations, the
    /// best <paramref name="nBelow"/> by stable (step, score) order (one objective) or by non-domination rank then
    /// hypervolume (several). With violations (0 = feasible), a stable order by violation, unless "below" can be all
    /// feasible: then the feasible observations are split by score and every infeasible one stays above.
    /// </summary>
    internal static int[] SplitBelow(double[] steps, double[][] scores, double[]? violations, bool multiObjective, int nBelow)
    {
        int n = scores.Length;
        int[] below;
        if (violations is null) below = SplitByScore(Enumerable.Range(0, n).ToArray());
        else
        {
            var byViolation = Enumerable.Range(0, n).OrderBy(i => violations[i]).ToArray();
            below = nBelow >= n || violations[byViolation[nBelow]] > 0 ? byViolation[..nBelow]
                : SplitByScore(Enumerable.Range(0, n).Where(i => violations[i] == 0).ToArray());
        }
        Array.Sort(below);
        return below;

        int[] SplitByScore(int[] candidates)
        {
            if (multiObjective)
                return MultiObjectiveSplit.Below(candidates.Select(i => scores[i]).ToArray(), nBelow).Select(k => candidates[k]).ToArray();
            // Stable sort by (step, score): LINQ's OrderBy is stable, like numpy's kind="stable".
            return candidates.OrderBy(i => steps[i]).ThenBy(i => scores[i][0]).Take(nBelow).ToArray();
        }
    }

    /// <summary>Optuna's _calculate_weights_below_for_multi_objective: hypervolume contributions among the feasible members
    /// of "below" (all of them without violations), Optuna's EPS for infeasible ones.</summary>
    internal static double[] WeightsBelow(double[][] scores, int[] below, double[]? violations)
    {
        var feasible = below.Where(i => violations is null || violations[i] == 0).ToArray();
        var contributions = MultiObjectiveSplit.BelowWeights(feasible.Select(i => scores[i]).ToArray());
        var weights = new double[below.Length];
        for (int k = 0, f = 0; k < below.Length; k++)
            weights[k] = violations is null || violations[below[k]] == 0 ? contributions[f++] : MultiObjectiveSplit.Eps;
        return weights;
    }

    /// <summary>Fits one estimator on the observations at <paramref name="indices"/> that hold every parameter (Optuna masks on the first).</summary>
    private ParzenEstimator Fit(Observation[] all, int[] indices, string[] names, Distribution[] dists, double[]? predeterminedWeights)
    {
        var kept = new List<int>(indices.Length);
        var keptWeights = predeterminedWeights is null ? null : new List<double>(indices.Length);
        for (int k = 0; k < indices.Length; k++)
        {
            var p = all[indices[k]].Trial.InternalParams;
            bool hasAll = true;
            foreach (var nm in names) if (!p.ContainsKey(nm)) { hasAll = false; break; }
            if (!hasAll) continue;
            kept.Add(indices[k]);
            keptWeights?.Add(predeterminedWeights![k]);
        }
        var obs = new double[names.Length][];
        for (int j = 0; j < names.Length; j++)
        {
            obs[j] = new double[kept.Count];
            for (int k = 0; k < kept.Count; k++) obs[j][k] = all[kept[k]].Trial.InternalParams[names[j]];
        }
        return new ParzenEstimator(obs, dists, _parameters, keptWeights?.ToArray());
    }
}
