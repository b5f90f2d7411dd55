using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class CmaEsSamplerTests
{
    private static double Sphere(Trial t)
    {
        double s = 0;
        for (int i = 0; i < 3; i++) { double x = t.SuggestFloat($"x{i}", -5, 5); s += (x - 1) * (x - 1); }
        return s;
    }

    [Fact]
    public void ConvergesOnSphereFarBetterThanRandom()
    {
        var cma = Study.Create(sampler: new CmaEsSampler(seed: 1));
        cma.Optimize(Sphere, nTrials: 300);
        var random = Study.Create(sampler: new RandomSampler(1));
        random.Optimize(Sphere, nTrials: 300);
        Assert.True(cma.BestValue < 1e-3, $"CMA-ES best {cma.BestValue}");
        Assert.True(cma.BestValue < random.BestValue / 100, $"CMA-ES {cma.BestValue} vs random {random.BestValue}");
    }

    [Fact]
    public void TellsEachGenerationOncePopulationIsComplete()
    {
        var study = Study.Create(sampler: new CmaEsSampler(seed: 2));
        study.Optimize(Sphere, nTrials: 1 + 7 * 3);   // one startup trial, then three generations of λ = 4 + ⌊3 ln 3⌋ = 7
        var generations = study.Trials.Skip(1).Select(t => Convert.ToInt64(t.SystemAttrs["cma:generation"])).ToArray();
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)(i / 7)), generations);
        Assert.False(study.Trials[0].SystemAttrs.ContainsKey("cma:generation"));   // the startup trial is independent
    }

    [Fact]
    public void ANewSamplerOnTheSameStudyReplaysTheStoredGenerations()
    {
        var storage = new InMemoryStorage();
        var sampler = new CmaEsSampler(seed: 2);
        var first = Study.Create("cma", storage, sampler);
        first.Optimize(Sphere, nTrials: 1 + 7 * 4);
        first.Ask();   // tells generation 3: the first sampler now stands at generation 4
        var replaying = new CmaEsSampler(seed: 9);
        var resumed = Study.Load("cma", storage, replaying);
        var trial = resumed.Ask();
        Assert.Equal(4L, Convert.ToInt64(trial.SystemAttrs["cma:generation"]));
        Assert.Equal(sampler.Optimizer!.Generation, replaying.Optimizer!.Generation);
        Assert.Equal(sampler.Optimizer.Sigma, replaying.Optimizer.Sigma, 1e-15);
        Assert.Equal(sampler.Optimizer.Mean.ToArray(), replaying.Optimizer.Mean.ToArray());
        Assert.Equal(sampler.Optimizer.Covariance.ToArray(), replaying.Optimizer.Covariance.ToArray());
    }

    [Fact]
    public void MaximizeLogIntAndStepParameters()
    {
        var study = Study.Create(sampler: new CmaEsSampler(seed: 3), direction: StudyDirection.Maximize);
        study.Optimize(t =>
        {
            double lr = t.SuggestFloat("lr", 1e-5, 1e-1, log: true);
            int units = t.SuggestInt("units", 8, 512, log: true);
            int k = t.SuggestInt("k", 0, 20, step: 4);
            double d = t.SuggestFloat("d", 0, 1, step: 0.25);
            Assert.InRange(lr, 1e-5, 1e-1);
            Assert.InRange(units, 8, 512);
            Assert.Equal(0, k % 4);
            Assert.Equal(0, d % 0.25);
            return -Math.Pow(Math.Log10(lr) + 3, 2) - Math.Pow(Math.Log2(units) - 6, 2) - Math.Abs(k - 12) - Math.Abs(d - 0.5);
        }, nTrials: 200);
        var best = study.BestParams;
        Assert.Equal(1e-3, (double)best["lr"]!, 1e-3 * 0.5);
        Assert.Equal(12, (int)best["k"]!);
        Assert.Equal(0.5, (double)best["d"]!);
    }

    [Fact]
    public void CategoricalAndOneDimensionalSpacesFallBackToIndependentSampling()
    {
        var study = Study.Create(sampler: new CmaEsSampler(seed: 4));
        study.Optimize(t => t.SuggestFloat("x", 0, 1) + (t.SuggestCategorical("c", new[] { "a", "b" }) == "a" ? 0 : 1), nTrials: 20);
        Assert.All(study.Trials, t => Assert.False(t.SystemAttrs.ContainsKey("cma:generation")));
        var space = new CmaEsSampler().InferRelativeSearchSpace(study, study.Trials[^1]);
        Assert.Equal(["x"], space.Keys);
    }

    [Fact]
    public void IpopRestartsWithDoubledPopulation()
    {
        // Rastrigin in 2-D: CMA-ES converges to a local optimum quickly, the restart rule fires, and λ doubles.
        var sampler = new CmaEsSampler(seed: 5, restartStrategy: CmaEsRestartStrategy.Ipop);
        var study = Study.Create(sampler: sampler);
        study.Optimize(t =>
        {
            double x = t.SuggestFloat("x", -5.12, 5.12), y = t.SuggestFloat("y", -5.12, 5.12);
            return 20 + x * x - 10 * Math.Cos(2 * Math.PI * x) + y * y - 10 * Math.Cos(2 * Math.PI * y);
        }, nTrials: 700);
        var restarts = study.Trials.Where(t => t.SystemAttrs.ContainsKey("cma:n_restarts")).Select(t => Convert.ToInt64(t.SystemAttrs["cma:n_restarts"])).ToArray();
        Assert.True(restarts.Max() >= 1, $"restarts {restarts.Max()}");
        Assert.Equal(restarts.Order(), restarts);   // restarts only grow
        Assert.Contains(study.Trials, t => t.SystemAttrs.ContainsKey("cma:restart_1:generation"));
    }

    [Fact]
    public void MultiObjectiveIsRejected()
    {
        var study = Study.Create(sampler: new CmaEsSampler(seed: 6), directions: [StudyDirection.Minimize, StudyDirection.Minimize]);
        var trial = study.Ask();
        Assert.Contains("single-objective", Assert.Throws<InvalidOperationException>(() => trial.SuggestFloat("x", 0, 1)).Message);
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmaEsSampler(sigma0: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmaEsSampler(popsize: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmaEsSampler(nStartupTrials: -1));
    }

    [Fact]
    public void X0SetsTheInitialMean()
    {
        var study = Study.Create(sampler: new CmaEsSampler(x0: new Dictionary<string, object?> { ["a"] = 9.0, ["b"] = 9.0 }, sigma0: 1e-3, seed: 7));
        study.Optimize(t => t.SuggestFloat("a", 0, 10) + t.SuggestFloat("b", 0, 10), nTrials: 5);
        Assert.All(study.Trials.Skip(1), t => Assert.Equal(9.0, (double)t.Params["a"]!, 0.05));
    }
}
