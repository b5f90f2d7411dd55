using Overfit.BayesianOptimization;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

/// <summary>The evolutionary and model-based samplers under Optimize with two worker threads.</summary>
public class ParallelSamplingTests
{
    public static TheoryData<string> Samplers => ["cmaes", "nsga2", "gp"];

    private static ISampler Create(string name) => name switch
    {
        "cmaes" => new CmaEsSampler(seed: 1),
        "nsga2" => new NsgaIISampler(populationSize: 6, seed: 1),
        _ => new GPSampler(seed: 1, nStartupTrials: 4, options: new BoTorchLoopOptions { NumRestarts = 2, RawSamples = 64 }),
    };

    [Theory]
    [MemberData(nameof(Samplers))]
    public void TwoWorkersFinishEveryTrialInsideTheSpace(string name)
    {
        var study = Study.Create(sampler: Create(name), pruner: new NopPruner());
        study.Optimize(t => Math.Pow(t.SuggestFloat("a", -2, 2), 2) + Math.Abs(t.SuggestInt("b", -3, 3)), nTrials: 40, nJobs: 2);
        Assert.Equal(40, study.GetTrials([TrialState.Complete]).Count);
        Assert.All(study.Trials, t => Assert.All(t.InternalParams, p => Assert.True(t.Distributions[p.Key].Contains(p.Value))));
    }

    [Fact]
    public void OptimizeRecordsTheWorkerThatRanEachTrial()
    {
        var study = Study.Create(sampler: new RandomSampler(seed: 4), pruner: new NopPruner());
        // Each job holds its trial until both jobs have one, so the two threads are sure to run trials.
        using var bothStarted = new Barrier(2);
        int first = 0;
        study.Optimize(t =>
        {
            if (Interlocked.Increment(ref first) <= 2) bothStarted.SignalAndWait(TimeSpan.FromSeconds(30));
            return t.SuggestFloat("a", -1, 1);
        }, nTrials: 6, nJobs: 2);
        var workers = study.Trials.Select(t => Assert.IsType<string>(t.SystemAttrs[Study.WorkerKey])).ToArray();
        Assert.Equal(2, workers.Distinct().Count());
        Assert.All(workers, w => Assert.StartsWith(FormattableString.Invariant($"{Environment.MachineName}/{Environment.ProcessId}/"), w));
        // Ask and tell leave the worker to the caller.
        var asked = study.Ask();
        study.Tell(asked, 0.0);
        Assert.False(study.Trials.Single(t => t.Number == asked.Number).SystemAttrs.ContainsKey(Study.WorkerKey));
    }
}
