namespace Overfit.Tuning;

public sealed partial class Study
{
    /// <summary>The best COMPLETE trial (single objective); throws when there is none or the study has several objectives.</summary>
    public FrozenTrial BestTrial
    {
        get
        {
            if (IsMultiObjective) throw new InvalidOperationException($"study '{StudyName}' has {Directions.Count} objectives; use BestTrials");
            return BestTrialOrNull() ?? throw new InvalidOperationException($"study '{StudyName}' has no complete trial yet");
        }
    }

    /// <summary>The best trial's parameters.</summary>
    public IReadOnlyDictionary<string, object?> BestParams => BestTrial.Params;
    /// <summary>The best trial's objective value.</summary>
    public double BestValue => BestTrial.Values![0];

    internal FrozenTrial? BestTrialOrNull()
    {
        FrozenTrial? best = null;
        bool maximize = Directions[0] == StudyDirection.Maximize;
        foreach (var t in GetTrials([TrialState.Complete]))
        {
            if (best is null) { best = t; continue; }
            double v = t.Values![0], b = best.Values![0];
            if (maximize ? v > b : v < b) best = t;
        }
        return best;
    }

    /// <summary>The COMPLETE trials on the Pareto front: no other complete trial is at least as good in every objective and better in one.</summary>
    public IReadOnlyList<FrozenTrial> BestTrials => ParetoFront.Of(GetTrials([TrialState.Complete]), Directions);
}

/// <summary>Pareto dominance over trials' objective values, honouring each objective's direction.</summary>
public static class ParetoFront
{
    /// <summary>True when <paramref name="a"/> is no worse than <paramref name="b"/> everywhere and better somewhere.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<StudyDirection> directions)
    {
        bool better = false;
        for (int i = 0; i < directions.Count; i++)
        {
            double x = directions[i] == StudyDirection.Maximize ? -a[i] : a[i];
            double y = directions[i] == StudyDirection.Maximize ? -b[i] : b[i];
            if (x > y) return false;
            if (x < y) better = true;
        }
        return better;
    }

    /// <summary>The non-dominated trials, in trial order (trials with equal values all stay, as in Optuna).</summary>
    public static IReadOnlyList<FrozenTrial> Of(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (trials.Count == 0) return [];
        return ParetoRanks.Fronts(trials.Count, (i, j) => Dominates(trials[i].Values!, trials[j].Values!, directions))[0]
            .Select(i => trials[i]).ToList();
    }
}
