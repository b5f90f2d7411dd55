using Overfit.BayesianOptimization;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class GPSamplerTests
{
    private static double Branin(double x1, double x2)
    {
        double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        return Math.Pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    private static double BraninObjective(Trial t) => Branin(t.SuggestFloat("x1", -5, 10), t.SuggestFloat("x2", 0, 15));

    [Fact]
    public void FindsBraninsMinimumWithinFewTrials()
    {
        // Branin's minimum is 0.397887; 10 random startup trials then 20 GP steps.
        var study = Study.Create(sampler: new GPSampler(seed: 1));
        study.Optimize(BraninObjective, nTrials: 30);
        var random = Study.Create(sampler: new RandomSampler(1));
        random.Optimize(BraninObjective, nTrials: 30);
        Assert.True(study.BestValue - 0.397887 < 0.05, $"GP regret {study.BestValue - 0.397887}");
        Assert.True(study.BestValue < random.BestValue, $"GP {study.BestValue} vs random {random.BestValue}");
    }

    [Fact]
    public void StartupTrialsAreIndependentAndSeeded()
    {
        double[] Run(ulong seed)
        {
            var study = Study.Create(sampler: new GPSampler(seed: seed, nStartupTrials: 5));
            study.Optimize(BraninObjective, nTrials: 8);
            return study.Trials.Select(t => (double)t.Params["x1"]!).ToArray();
        }
        var a = Run(3);
        Assert.Equal(a, Run(3));
        Assert.NotEqual(a, Run(4));
        // Trials 0-4 come from the independent sampler with the same seed as a plain RandomSampler.
        var random = Study.Create(sampler: new RandomSampler(3));
        random.Optimize(BraninObjective, nTrials: 5);
        Assert.Equal(random.Trials.Select(t => (double)t.Params["x1"]!), a.Take(5));
    }

    [Fact]
    public void LogIntegerStepAndCategoricalParametersAreDecodedOntoTheirGrids()
    {
        var study = Study.Create(sampler: new GPSampler(seed: 2, nStartupTrials: 8, options: new BoTorchLoopOptions { NumRestarts = 2, RawSamples = 64 }),
            direction: StudyDirection.Maximize);
        study.Optimize(t =>
        {
            double lr = t.SuggestFloat("lr", 1e-5, 1e-1, log: true);
            int units = t.SuggestInt("units", 16, 256, step: 16);
            double p = t.SuggestFloat("p", 0, 0.5, step: 0.1);
            string act = t.SuggestCategorical("act", new[] { "relu", "tanh", "gelu" });
            Assert.InRange(lr, 1e-5, 1e-1);
            Assert.Equal(0, units % 16);
            Assert.Equal(p, Math.Round(p * 10) / 10, 12);
            return -Math.Pow(Math.Log10(lr) + 3, 2) - Math.Abs(units - 128) / 64.0 - Math.Abs(p - 0.2) + (act == "gelu" ? 1 : 0);
        }, nTrials: 25);
        Assert.True((string)study.BestParams["act"]! == "gelu",
            string.Join("; ", study.Trials.Select(t => string.Join(",", t.Params.Select(p => p.Key + "=" + p.Value)) + " -> " + t.Values![0])));
        Assert.True(study.BestValue > 0.5, $"best {study.BestValue}");
    }

    /// <summary>Two studies with the same 12 finished trials; each asks trial 12 and suggests its point, then asks trial
    /// 13 with trial 12 still running (pending) or already failed (no pending point). Returns the points in the unit square.</summary>
    private static ((double, double) First, (double, double) Second) TwoProposals(bool keepFirstRunning)
    {
        var study = Study.Create(sampler: new GPSampler(seed: 5, nStartupTrials: 10, options: new BoTorchLoopOptions { NumRestarts = 4, RawSamples = 128 }));
        study.Optimize(BraninObjective, nTrials: 12);
        var first = study.Ask();
        var a = ((first.SuggestFloat("x1", -5, 10) + 5) / 15, first.SuggestFloat("x2", 0, 15) / 15);
        if (!keepFirstRunning) study.Tell(first, TrialState.Fail);
        var second = study.Ask();
        var b = ((second.SuggestFloat("x1", -5, 10) + 5) / 15, second.SuggestFloat("x2", 0, 15) / 15);
        return (a, b);
    }

    private static double Distance((double X, double Y) p, (double X, double Y) q) => Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y));

    [Fact]
    public void RunningTrialsAreFantasizedSoTwoAsksDoNotProposeTheSamePoint()
    {
        var (first, withPending) = TwoProposals(keepFirstRunning: true);
        var (firstAgain, withoutPending) = TwoProposals(keepFirstRunning: false);
        Assert.Equal(first, firstAgain);   // same seed, same finished trials: the same first proposal
        // Without the pending point the model and the acquisition are those of the first ask, so the maximizer repeats.
        Assert.True(Distance(first, withoutPending) < 0.01, $"without a pending point: {first} then {withoutPending}");
        // With the first point fantasized at the posterior mean, its neighbourhood has no variance left to gain from.
        Assert.True(Distance(first, withPending) > 0.05, $"with a pending point: {first} then {withPending}");
    }

    [Fact]
    public void MultiObjectiveAndBadSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GPSampler(nStartupTrials: -1));
        var study = Study.Create(sampler: new GPSampler(seed: 1, nStartupTrials: 0), directions: [StudyDirection.Minimize, StudyDirection.Minimize]);
        study.Optimize(t => new[] { t.SuggestFloat("a", 0, 1), t.SuggestFloat("b", 0, 1) }, nTrials: 1);
        Assert.Throws<InvalidOperationException>(() => study.Ask());
    }

    /// <summary>A smooth trend plus a deterministic rough part (a hashed ±0.5 per point) that a smooth GP can only
    /// explain as noise.</summary>
    private static double Rough(double x0, double x1) => Math.Sin(3 * x0) + x1 + 0.5 * Math.Sin(12345.678 * (x0 + 2 * x1));

    /// <summary>Runs 30 random trials and one GP step on <see cref="Rough"/> and returns the step's model with the largest
    /// miss of its posterior mean at the 30 trials, in outcome standard deviations.</summary>
    private static (SingleTaskGP Model, double WorstMiss) FitOnRough(bool deterministicObjective)
    {
        SingleTaskGP? last = null;
        var options = new BoTorchLoopOptions
        {
            NumRestarts = 2, RawSamples = 64,
            AcquisitionFactory = (model, best) => { last = model; return new LogExpectedImprovement(model, best); },
        };
        var study = Study.Create(sampler: new GPSampler(seed: 7, nStartupTrials: 30, options: options, deterministicObjective: deterministicObjective));
        study.Optimize(t => Rough(t.SuggestFloat("x0", 0, 1), t.SuggestFloat("x1", 0, 1)), nTrials: 31);
        var trials = study.Trials.Take(30).ToArray();
        var x = trials.SelectMany(t => new[] { (double)t.Params["x0"]!, (double)t.Params["x1"]! }).ToArray();
        var mean = new double[trials.Length];
        last!.PosteriorMeanVariance(x, trials.Length, mean, new double[trials.Length]);
        // The model maximizes: it saw the negated values.
        double worst = trials.Select((t, i) => Math.Abs(mean[i] + t.Value!.Value)).Max() / last.OutcomeScale;
        return (last, worst);
    }

    [Fact]
    public void DeterministicObjectiveFixesTheNoiseSoTheModelInterpolates()
    {
        var sampler = new GPSampler(seed: 1, deterministicObjective: true);
        Assert.True(sampler.DeterministicObjective);
        Assert.Equal((1e-6, 1e-6), sampler.Options.ModelOptions!.NoiseBounds);
        Assert.Null(new GPSampler(seed: 1).Options.ModelOptions);

        var (fitted, fittedMiss) = FitOnRough(deterministicObjective: false);
        var (fixedNoise, fixedMiss) = FitOnRough(deterministicObjective: true);
        // Fitted, the rough part goes into a noise variance well above the floor, and the mean passes by the points.
        Assert.True(fitted.Noise > 0.05, $"fitted noise {fitted.Noise}");
        Assert.True(fittedMiss > 0.2, $"fitted model misses its data by at most {fittedMiss} sd");
        // Fixed at 1e-6 (standardized units) the GP goes through every observation.
        Assert.Equal(1e-6, fixedNoise.Noise, 12);
        Assert.True(fixedMiss < 1e-3, $"deterministic model misses its data by {fixedMiss} sd");
    }

    [Fact]
    public void DeterministicObjectiveFantasizesRunningTrialsAndRefusesAConflictingNoiseSetting()
    {
        var study = Study.Create(sampler: new GPSampler(seed: 3, deterministicObjective: true, options: new BoTorchLoopOptions { NumRestarts = 2, RawSamples = 64 }));
        study.Optimize(BraninObjective, nTrials: 12);
        var running = study.Ask();
        running.SuggestFloat("x1", -5, 10);
        running.SuggestFloat("x2", 0, 15);
        var next = study.Ask();   // conditions the fixed-noise model on the running trial
        Assert.InRange(next.SuggestFloat("x1", -5, 10), -5, 10);
        var e = Assert.Throws<ArgumentException>(() => new GPSampler(deterministicObjective: true,
            options: new BoTorchLoopOptions { ModelOptions = new SingleTaskGPOptions { TrainYVariance = [0.01] } }));
        Assert.Equal("deterministicObjective", e.ParamName);
    }
}
