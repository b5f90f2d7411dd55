using Overfit.Tuning;

namespace Overfit.Cli.Experiments;

/// <summary>
/// One finished (or resumed) study of `overfit hpo`, read back from its storage: every trial with its state,
/// parameters and per-epoch accuracies, and what the tables and figures need from them.
/// </summary>
internal sealed class HpoStudyRun
{
    /// <param name="label">the method as shown in tables (e.g. "tpe+asha")</param>
    /// <param name="seed">the run's seed</param>
    /// <param name="studyName">the study's name in its storage</param>
    /// <param name="trials">all trials of the study, in number order</param>
    public HpoStudyRun(string label, int seed, string studyName, IReadOnlyList<FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        Label = label;
        Seed = seed;
        StudyName = studyName;
        Trials = trials.OrderBy(t => t.Number).ToArray();
        Finished = Trials.Where(t => t.State is TrialState.Complete or TrialState.Pruned).ToArray();
        Complete = Trials.Where(t => t.State == TrialState.Complete && t.Values is { } v && double.IsFinite(v[0])).ToArray();
        Best = Complete.Count == 0 ? null : Complete.MaxBy(t => t.Values![0]);
        var start = Trials.Where(t => t.DatetimeStart is not null).Select(t => t.DatetimeStart!.Value).DefaultIfEmpty().Min();
        Start = start;
        var end = Finished.Where(t => t.DatetimeComplete is not null).Select(t => t.DatetimeComplete!.Value).DefaultIfEmpty(start).Max();
        WallSeconds = Math.Max(0, (end - start).TotalSeconds);
    }

    /// <summary>The method as shown in tables.</summary>
    public string Label { get; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; }

    /// <summary>The study's name in its storage.</summary>
    public string StudyName { get; }

    /// <summary>Every trial, in number order.</summary>
    public IReadOnlyList<FrozenTrial> Trials { get; }

    /// <summary>COMPLETE and PRUNED trials, in number order.</summary>
    public IReadOnlyList<FrozenTrial> Finished { get; }

    /// <summary>COMPLETE trials with a finite accuracy.</summary>
    public IReadOnlyList<FrozenTrial> Complete { get; }

    /// <summary>The complete trial with the highest test accuracy (null when none completed).</summary>
    public FrozenTrial? Best { get; }

    /// <summary>Start of the study's first trial (UTC).</summary>
    public DateTime Start { get; }

    /// <summary>Seconds from the first trial's start to the last finished trial's end (time spent resuming included).</summary>
    public double WallSeconds { get; }

    /// <summary>The best test accuracy (NaN when no trial completed).</summary>
    public double BestAccuracy => Best?.Values![0] ?? double.NaN;

    /// <summary>Training epochs spent by all finished and failed trials (one intermediate value per epoch).</summary>
    public int EpochsSpent => Trials.Where(t => t.State != TrialState.Running && t.State != TrialState.Waiting).Sum(t => t.IntermediateValues.Count);

    /// <summary>The best accuracy after each finished trial (NaN until one completed).</summary>
    public double[] BestSoFar()
    {
        var result = new double[Finished.Count];
        double best = double.NaN;
        for (int i = 0; i < Finished.Count; i++)
        {
            if (Finished[i].State == TrialState.Complete && Finished[i].Values is { } v && double.IsFinite(v[0]) && !(v[0] <= best)) best = v[0];
            result[i] = best;
        }
        return result;
    }

    /// <summary>(seconds since <see cref="Start"/>, best accuracy so far) at each finished trial's end, in time order.</summary>
    public (double[] Seconds, double[] Best) BestSoFarOverTime()
    {
        var ordered = Finished.Where(t => t.DatetimeComplete is not null).OrderBy(t => t.DatetimeComplete).ToArray();
        var seconds = new List<double>();
        var values = new List<double>();
        double best = double.NaN;
        foreach (var t in ordered)
        {
            if (t.State == TrialState.Complete && t.Values is { } v && double.IsFinite(v[0]) && !(v[0] <= best)) best = v[0];
            if (double.IsNaN(best)) continue;
            seconds.Add((t.DatetimeComplete!.Value - Start).TotalSeconds);
            values.Add(best);
        }
        return (seconds.ToArray(), values.ToArray());
    }
}
