using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

/// <summary>The contract every <see cref="ISampler"/> passes; each sampler's test class derives from this one.</summary>
public abstract class SamplerContractTests
{
    /// <summary>A fresh sampler; the same seed must give the same sequence.</summary>
    protected abstract ISampler CreateSampler(ulong seed);

    /// <summary>Trials the suite runs per study: enough to get past start-up phases of model-based samplers.</summary>
    protected virtual int Trials => 30;

    /// <summary>A search space with every kind of parameter, one of them conditional on a categorical.</summary>
    internal static double Objective(Trial t)
    {
        double x = t.SuggestFloat("x", -5, 5);
        double lr = t.SuggestFloat("lr", 1e-4, 1e-1, log: true);
        double q = t.SuggestFloat("q", 0, 1, step: 0.25);
        int n = t.SuggestInt("n", 1, 9, step: 2);
        int units = t.SuggestInt("units", 8, 512, log: true);
        string act = t.SuggestCategorical("act", ["relu", "tanh", "gelu"]);
        double penalty = 0;
        if (act == "relu") penalty = t.SuggestFloat("slope", 0, 0.5); // only exists on one branch
        return x * x + Math.Log10(lr) + q + n + units / 512.0 + penalty + (act == "tanh" ? 1 : 0);
    }

    private Study Run(ulong seed, int? trials = null)
    {
        var study = Study.Create(sampler: CreateSampler(seed), pruner: new NopPruner());
        study.Optimize(Objective, nTrials: trials ?? Trials);
        return study;
    }

    [Fact]
    public void SameSeedGivesTheSameTrials()
    {
        var a = Run(7).Trials.Select(t => string.Join(";", t.Params.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        var b = Run(7).Trials.Select(t => string.Join(";", t.Params.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal(a, b);
    }

    [Fact]
    public void ValuesRespectBoundsStepsLogAndChoices()
    {
        var study = Run(3);
        Assert.Equal(Trials, study.GetTrials([TrialState.Complete]).Count);
        foreach (var t in study.Trials)
        {
            foreach (var (name, value) in t.InternalParams) Assert.True(t.Distributions[name].Contains(value), $"trial {t.Number}: {name}={value} outside {t.Distributions[name]}");
            Assert.InRange((double)t.Params["x"]!, -5, 5);
            Assert.InRange((double)t.Params["lr"]!, 1e-4, 1e-1);
            Assert.Contains((double)t.Params["q"]!, new[] { 0, 0.25, 0.5, 0.75, 1 });
            Assert.Contains((int)t.Params["n"]!, new[] { 1, 3, 5, 7, 9 });
            Assert.InRange((int)t.Params["units"]!, 8, 512);
            Assert.Contains((string)t.Params["act"]!, new[] { "relu", "tanh", "gelu" });
            Assert.Equal((string)t.Params["act"]! == "relu", t.Params.ContainsKey("slope"));
        }
    }

    [Fact]
    public void LogParametersSpreadOverTheirDecades()
    {
        var study = Run(5, Math.Max(Trials, 40));
        var logs = study.Trials.Select(t => Math.Log10((double)t.Params["lr"]!)).ToArray();
        Assert.True(logs.Min() < -2.5 && logs.Max() > -2.5, $"log10(lr) spans [{logs.Min()}, {logs.Max()}]");
    }

    [Fact]
    public void EnqueuedTrialsAreHonoured()
    {
        var study = Study.Create(sampler: CreateSampler(11), pruner: new NopPruner());
        var fixedParams = new Dictionary<string, object?> { ["x"] = 1.5, ["lr"] = 0.01, ["q"] = 0.75, ["n"] = 5, ["units"] = 64, ["act"] = "relu", ["slope"] = 0.125 };
        study.EnqueueTrial(fixedParams);
        study.Optimize(Objective, nTrials: 3);
        var first = study.Trials[0].Params;
        foreach (var (k, v) in fixedParams) Assert.Equal(v is string ? v : Convert.ToDouble(v), first[k] is string ? first[k] : Convert.ToDouble(first[k]));
    }

    [Fact]
    public void SingleValueSpacesNeedNoSampling()
    {
        var study = Study.Create(sampler: CreateSampler(2), pruner: new NopPruner());
        var t = study.Ask();
        Assert.Equal(3.0, t.SuggestFloat("x", 3, 3));
        Assert.Equal(4, t.SuggestInt("n", 4, 4));
        Assert.Equal("only", t.SuggestCategorical("c", ["only"]));
    }
}

public class RandomSamplerContractTests : SamplerContractTests
{
    protected override ISampler CreateSampler(ulong seed) => new RandomSampler(seed);
}

public class TpeSamplerContractTests : SamplerContractTests
{
    protected override ISampler CreateSampler(ulong seed) => new TpeSampler(seed: seed);
}

public class MultivariateTpeSamplerContractTests : SamplerContractTests
{
    protected override ISampler CreateSampler(ulong seed) => new TpeSampler(seed: seed, multivariate: true, group: true, nStartupTrials: 5);
}

public class QmcSamplerContractTests : SamplerContractTests
{
    protected override ISampler CreateSampler(ulong seed) => new QmcSampler(seed: seed);
}

public class GridSamplerContractTests : SamplerContractTests
{
    protected override int Trials => 20;

    protected override ISampler CreateSampler(ulong seed) => new GridSampler(new Dictionary<string, IReadOnlyList<object?>>
    {
        ["x"] = [-5.0, 0.0, 1.5, 5.0],
        ["lr"] = [1e-4, 1e-2],
        ["q"] = [0.25, 0.75],
        ["n"] = [1, 5, 9],
        ["units"] = [8, 64, 512],
        ["act"] = ["relu", "tanh", "gelu"],
        ["slope"] = [0.0, 0.125],
    }, seed);
}
