using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

/// <summary>Pruners on constructed learning curves whose right decision is known by hand.</summary>
public class PrunerTests
{
    /// <summary>Adds a complete trial that reported <paramref name="curve"/> at steps 0, 1, ...</summary>
    private static void Completed(Study study, params double[] curve)
    {
        var t = study.Ask();
        for (int i = 0; i < curve.Length; i++) t.Report(curve[i], i);
        study.Tell(t, curve[^1]);
    }

    /// <summary>A running trial that reported <paramref name="curve"/>; returns whether the study's pruner prunes it now.</summary>
    private static bool Decide(Study study, params double[] curve) => Decide(study, out _, curve);

    private static bool Decide(Study study, out Trial trial, params double[] curve)
    {
        trial = study.Ask();
        for (int i = 0; i < curve.Length; i++) trial.Report(curve[i], i);
        return trial.ShouldPrune();
    }

    private static Study With(IPruner pruner, StudyDirection direction = StudyDirection.Minimize)
        => Study.Create(sampler: new RandomSampler(0), pruner: pruner, direction: direction);

    [Fact]
    public void NopNeverPrunes()
    {
        var s = With(new NopPruner());
        Completed(s, 0.1, 0.1);
        Assert.False(Decide(s, 9, 9, 9));
    }

    [Fact]
    public void MedianPrunesWorseThanTheMedianAfterStartupAndWarmup()
    {
        var s = With(new MedianPruner(nStartupTrials: 3, nWarmupSteps: 1));
        Completed(s, 1.0, 0.8, 0.6);
        Completed(s, 1.0, 0.7, 0.5);
        Assert.False(Decide(s, 5, 5)); // only 2 complete trials < 3 startup trials
        Completed(s, 1.0, 0.9, 0.7);
        Assert.False(Decide(s, 5.0)); // step 0 is inside the warm-up
        Assert.True(Decide(s, 5.0, 0.9)); // best so far 0.9 > median 0.8 at step 1
        Assert.False(Decide(s, 5.0, 0.75)); // 0.75 < 0.8: keep
        Assert.True(Decide(s, 1.0, double.NaN, double.NaN)); // NaNs are skipped: best 1.0 > median 0.6 at step 2
        Assert.True(Decide(s, double.NaN, double.NaN)); // nothing but NaN: pruned
    }

    [Fact]
    public void MedianComparesTheBestValueSoFarAtTheLatestStep()
    {
        var s = With(new MedianPruner(nStartupTrials: 1));
        Completed(s, 3, 2, 1);
        Assert.True(Decide(s, 3, 2, 1.5)); // best 1.5 > 1 at step 2
        Assert.False(Decide(s, 0.5, 2, 1.5)); // best so far 0.5 < 1
        var max = With(new MedianPruner(nStartupTrials: 1), StudyDirection.Maximize);
        Completed(max, 1, 2, 3);
        Assert.True(Decide(max, 1, 2, 2.5));
        Assert.False(Decide(max, 1, 2, 3.5));
    }

    [Fact]
    public void PercentileKeepsTheTopQuarter()
    {
        var s = With(new PercentilePruner(25, nStartupTrials: 4));
        foreach (double v in new[] { 1.0, 2.0, 3.0, 4.0 }) Completed(s, v);
        // numpy.percentile([1,2,3,4], 25) = 1.75
        Assert.False(Decide(s, 1.5));
        Assert.True(Decide(s, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PercentilePruner(101));
    }

    [Fact]
    public void IntervalStepsCheckOncePerInterval()
    {
        Assert.True(PercentilePruner.IsFirstInIntervalStep(4, [0, 2, 4], nWarmupSteps: 0, intervalSteps: 2));
        Assert.False(PercentilePruner.IsFirstInIntervalStep(5, [0, 2, 4, 5], nWarmupSteps: 0, intervalSteps: 2));
        Assert.True(PercentilePruner.IsFirstInIntervalStep(7, [0, 2, 4, 5, 7], nWarmupSteps: 1, intervalSteps: 3));
    }

    [Fact]
    public void ThresholdPrunesOutsideTheBoundsAndOnNaN()
    {
        var s = With(new ThresholdPruner(lower: 0, upper: 1));
        Assert.False(Decide(s, 0.5));
        Assert.True(Decide(s, 1.5));
        Assert.True(Decide(s, -0.1));
        Assert.True(Decide(s, double.NaN));
        Assert.Throws<ArgumentException>(() => new ThresholdPruner());
        Assert.Throws<ArgumentException>(() => new ThresholdPruner(lower: 2, upper: 1));
    }

    [Fact]
    public void PatientWaitsForPatienceStepsWithoutImprovement()
    {
        var s = With(new PatientPruner(null, patience: 2));
        Assert.False(Decide(s, 1.0, 0.9, 0.95, 0.93)); // 0.9 at step 1 is within the last 3 steps
        Assert.True(Decide(s, 1.0, 0.9, 0.95, 0.93, 0.94)); // no improvement over 0.9 in the last 3 steps
        var delta = With(new PatientPruner(null, patience: 1, minDelta: 0.1));
        Assert.False(Decide(delta, 1.0, 1.05, 1.05)); // within minDelta
        var wrapped = With(new PatientPruner(new NopPruner(), patience: 1));
        Assert.False(Decide(wrapped, 1.0, 2.0, 3.0)); // the wrapped pruner has the last word
    }

    [Fact]
    public void SuccessiveHalvingPromotesTheTopOfEachRung()
    {
        // minResource 1, reduction factor 2: rungs at steps 1, 2, 4, ...
        var s = With(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2));
        Assert.False(Decide(s, out var first, 9, 1.0)); // alone at rung 0: promoted (compared with itself)
        Assert.Equal(1.0, first.SystemAttrs["completed_rung_0"]);
        Assert.True(Decide(s, 9, 2.0)); // 2 values at rung 0, top 1 is 1.0: 2.0 is pruned
        Assert.False(Decide(s, 9, 0.5)); // 0.5 is the best at rung 0
        Assert.False(Decide(s, 9, 0.4, 0.4)); // rung 0 best, then alone at rung 1
        Assert.True(Decide(s, 9, 0.3, 0.45)); // 2nd of 5 at rung 0 (kept: top 5/2), then loses rung 1 to 0.4
        Assert.False(Decide(s, 9)); // step 0 is before the first rung
    }

    [Fact]
    public void SuccessiveHalvingEstimatesMinResourceFromCompleteTrials()
    {
        var s = With(new SuccessiveHalvingPruner(reductionFactor: 2));
        Assert.False(Decide(s, 9, 9, 9)); // nothing complete yet: no estimate, no pruning
        Completed(s, Enumerable.Range(0, 300).Select(i => 1.0 / (i + 1)).ToArray()); // last step 299 -> minResource 2
        Assert.False(Decide(s, 9, 9)); // step 1 < 2
        Assert.False(Decide(s, 9, 9, 9)); // step 2 reaches rung 0 alone: promoted
        Assert.False(Decide(s, 9, 9, 5)); // 5 beats 9
        Assert.True(Decide(s, 9, 9, 10)); // third of three at rung 0: only the best is kept
    }

    [Fact]
    public void HyperbandSplitsTrialsIntoBracketsByOptunasHash()
    {
        var pruner = new HyperbandPruner(minResource: 1, maxResource: 9, reductionFactor: 3);
        var s = Study.Create("hb", sampler: new RandomSampler(0), pruner: pruner);
        Assert.False(Decide(s, 1.0));
        Assert.Equal(3, pruner.BracketCount);
        // Python: binascii.crc32(b"hb_0") = 2407493257; budgets ceil(3*3^s/(s+1)) for s = 2,1,0: 9, 5, 3 (total 17)
        Assert.Equal(2407493257u, HyperbandPruner.Crc32("hb_0"u8));
        Assert.Equal(2407493257 % 17 < 9 ? 0 : 2407493257 % 17 < 14 ? 1 : 2, pruner.BracketId("hb", 0));
        var brackets = Enumerable.Range(0, 170).Select(n => pruner.BracketId("hb", n)).GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, brackets.Count);
        Assert.True(brackets[0] > brackets[2]); // budget 9 vs 3
    }

    [Fact]
    public void WilcoxonPrunesASignificantlyWorseTrialOnly()
    {
        var s = With(new WilcoxonPruner(pThreshold: 0.1, nStartupSteps: 2));
        Completed(s, 1, 2, 3, 4, 5, 6, 7, 8);
        Assert.False(Decide(s, 2, 3)); // two steps: not past the startup steps
        Assert.True(Decide(s, 3, 4, 5, 6, 7, 8)); // worse at every step: exact p = 1/64 < 0.1 (scipy), and worse on average
        Assert.False(Decide(s, 2, 3, 4, 5, 6, 7)); // same p, but its average equals the best trial's: kept, as in Optuna
        Assert.False(Decide(s, 0.5, 2.5, 2.5, 4.5, 4.5)); // mixed signs
        Assert.False(Decide(s, 0, 1, 2, 3, 4, 5)); // better everywhere
        // scipy.stats.wilcoxon([1,2,3,-0.5], alternative="greater").pvalue = 0.125 (exact)
        Assert.Equal(0.125, WilcoxonPruner.SignedRankPValue([1, 2, 3, -0.5], greater: true), 12);
    }
}
