using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class StudyTests
{
    private static Study NewStudy(StudyDirection direction = StudyDirection.Minimize, ISampler? sampler = null, IPruner? pruner = null)
        => Study.Create(sampler: sampler ?? new RandomSampler(0), pruner: pruner ?? new NopPruner(), direction: direction);

    [Fact]
    public void AskTellRecordsParamsValuesAndTimes()
    {
        var study = NewStudy();
        var trial = study.Ask();
        double x = trial.SuggestFloat("x", -1, 1);
        int n = trial.SuggestInt("n", 1, 9, step: 2);
        string c = trial.SuggestCategorical("c", ["a", "b"]);
        trial.SetUserAttr("note", "first");
        var frozen = study.Tell(trial, x * x + n);
        Assert.Equal(TrialState.Complete, frozen.State);
        Assert.Equal(x * x + n, frozen.Value);
        Assert.Equal(x, frozen.Params["x"]);
        Assert.Equal(n, frozen.Params["n"]);
        Assert.Equal(c, frozen.Params["c"]);
        Assert.Equal("first", frozen.UserAttrs["note"]);
        Assert.True(frozen.DatetimeComplete >= frozen.DatetimeStart);
        Assert.Equal(frozen.Number, study.BestTrial.Number);
    }

    [Fact]
    public void SameNameSameDistributionReturnsTheStoredValueAndADifferentOneThrows()
    {
        var study = NewStudy();
        var trial = study.Ask();
        double first = trial.SuggestFloat("x", 0, 1);
        Assert.Equal(first, trial.SuggestFloat("x", 0, 1));
        var e = Assert.Throws<ArgumentException>(() => trial.SuggestFloat("x", 0, 2));
        Assert.Contains("'x'", e.Message);
        Assert.Throws<ArgumentException>(() => trial.SuggestInt("x", 0, 1));
        Assert.Throws<ArgumentException>(() => trial.SuggestFloat("bad", 1, 0));
    }

    [Fact]
    public void MisuseThrowsAndLeavesTheStudyIntact()
    {
        var study = NewStudy();
        var trial = study.Ask();
        trial.SuggestFloat("x", 0, 1);
        Assert.Throws<ArgumentException>(() => study.Tell(trial, [1.0, 2.0])); // wrong number of values
        Assert.Equal(TrialState.Running, study.Trials[0].State);
        study.Tell(trial, 0.5);
        Assert.Throws<InvalidOperationException>(() => study.Tell(trial, 0.5)); // told twice
        Assert.Throws<InvalidOperationException>(() => trial.SuggestFloat("y", 0, 1)); // suggest after tell
        Assert.Throws<InvalidOperationException>(() => trial.Report(1, 0));
        Assert.Throws<ArgumentException>(() => study.Tell(42, 1.0)); // unknown trial
        Assert.Throws<ArgumentException>(() => study.Tell(study.Ask(), TrialState.Complete)); // complete without values
        Assert.Throws<ArgumentException>(() => study.Tell(study.Trials[^1].Number, TrialState.Fail, [1.0]));
        var other = NewStudy();
        Assert.Throws<ArgumentException>(() => other.Tell(study.Ask(), 1.0)); // trial of another study
        Assert.Single(study.GetTrials([TrialState.Complete]));
        Assert.Equal(0.5, study.BestValue);
    }

    [Fact]
    public void NaNMarksTheTrialFailed()
    {
        var study = NewStudy();
        var t = study.Tell(study.Ask(), double.NaN);
        Assert.Equal(TrialState.Fail, t.State);
        Assert.Null(t.Values);
        Assert.Contains("NaN", (string)t.SystemAttrs[Study.FailReasonKey]!);
        Assert.Throws<InvalidOperationException>(() => study.BestTrial);
    }

    [Fact]
    public void OptimizeCatchesListedExceptionsAndRethrowsOthers()
    {
        var study = NewStudy();
        int calls = 0;
        study.Optimize(t =>
        {
            calls++;
            double x = t.SuggestFloat("x", 0, 1);
            if (t.Number % 2 == 1) throw new InvalidDataException("odd trial");
            return x;
        }, nTrials: 6, @catch: [typeof(InvalidDataException)]);
        Assert.Equal(6, calls);
        Assert.Equal(3, study.GetTrials([TrialState.Fail]).Count);
        Assert.Contains("odd trial", (string)study.GetTrials([TrialState.Fail])[0].SystemAttrs[Study.FailReasonKey]!);
        Assert.Throws<InvalidDataException>(() => study.Optimize((Func<Trial, double>)(t => throw new InvalidDataException("boom")), nTrials: 3));
        Assert.Equal(TrialState.Fail, study.Trials[^1].State);
        Assert.Equal(7, study.Trials.Count); // the uncaught error stopped the loop after one trial
    }

    [Fact]
    public void ObjectiveReturningTheWrongNumberOfValuesFailsTheTrialAndThrows()
    {
        var study = Study.Create(sampler: new RandomSampler(0), directions: [StudyDirection.Minimize, StudyDirection.Maximize]);
        var e = Assert.Throws<InvalidOperationException>(() => study.Optimize(t => (IReadOnlyList<double>)[t.SuggestFloat("x", 0, 1)], nTrials: 2));
        Assert.Contains("2 objective", e.Message);
        Assert.Equal(TrialState.Fail, study.Trials.Single().State);
        Assert.Throws<InvalidOperationException>(() => study.Optimize(t => 1.0, nTrials: 1)); // single-valued objective on a two-objective study
    }

    [Fact]
    public void PrunedTrialsKeepTheirLastIntermediateValue()
    {
        var study = NewStudy(pruner: new ThresholdPruner(upper: 1.0));
        study.Optimize(t =>
        {
            double x = t.SuggestFloat("x", 0, 1);
            for (int step = 0; step < 5; step++)
            {
                t.Report(step < 2 ? x : 2 + step, step);
                if (t.ShouldPrune()) throw new TrialPrunedException();
            }
            return x;
        }, nTrials: 3);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Pruned, t.State));
        Assert.All(study.Trials, t => Assert.Equal(4.0, t.Value)); // reported at step 2, then pruned
        Assert.All(study.Trials, t => Assert.Equal(2, t.LastStep));
    }

    [Fact]
    public void EnqueuedTrialsComeFirstWithTheirValues()
    {
        var study = NewStudy();
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.125, ["c"] = "b" }, userAttrs: new Dictionary<string, object?> { ["src"] = "manual" });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.125, ["c"] = "b" }, skipIfExists: true); // same params: skipped
        Assert.Single(study.GetTrials([TrialState.Waiting]));
        var trial = study.Ask();
        Assert.Equal(0.125, trial.SuggestFloat("x", 0, 1));
        Assert.Equal("b", trial.SuggestCategorical("c", ["a", "b"]));
        Assert.Equal("manual", trial.UserAttrs["src"]);
        double free = trial.SuggestFloat("y", 0, 1); // not enqueued: sampled
        Assert.InRange(free, 0, 1);
        study.Tell(trial, 1.0);
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.125, ["c"] = "b" }, skipIfExists: true);
        Assert.Empty(study.GetTrials([TrialState.Waiting]));
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = "text" });
        Assert.Throws<ArgumentException>(() => study.Ask().SuggestFloat("x", 0, 1));
    }

    [Fact]
    public void MaximizeAndBestParams()
    {
        var study = NewStudy(StudyDirection.Maximize);
        study.Optimize(t => -Math.Pow(t.SuggestFloat("x", -3, 3) - 1, 2), nTrials: 30);
        var best = study.Trials.Where(t => t.State == TrialState.Complete).MaxBy(t => t.Value)!;
        Assert.Equal(best.Number, study.BestTrial.Number);
        Assert.Equal(best.Params["x"], study.BestParams["x"]);
        Assert.Equal(best.Value, study.BestValue);
        Assert.Equal([best.Number], study.BestTrials.Select(t => t.Number)); // one objective: the best trial(s)
    }

    [Fact]
    public void ParetoFrontHoldsExactlyTheNonDominatedTrials()
    {
        var study = Study.Create(sampler: new RandomSampler(0), directions: [StudyDirection.Minimize, StudyDirection.Maximize]);
        (double, double)[] points = [(1, 1), (2, 3), (3, 3), (0.5, 0), (2, 2), (1, 1)];
        foreach (var (a, b) in points) study.Tell(study.Ask(), [a, b]);
        // (3,3) is dominated by (2,3); (2,2) by (2,3); the rest stay, the duplicate (1,1) included.
        Assert.Equal([0, 1, 3, 5], study.BestTrials.Select(t => t.Number));
        Assert.Throws<InvalidOperationException>(() => study.BestTrial);
        Assert.Throws<NotSupportedException>(() => study.Ask().Report(1, 0));
    }

    [Fact]
    public void CreateLoadAndDuplicateNames()
    {
        var storage = new InMemoryStorage();
        var a = Study.Create("s", storage, new RandomSampler(0));
        a.Tell(a.Ask(), 3.0);
        Assert.Throws<DuplicatedStudyException>(() => Study.Create("s", storage));
        var b = Study.Create("s", storage, new RandomSampler(1), loadIfExists: true);
        Assert.Equal(3.0, b.BestValue);
        var c = Study.Load("s", storage);
        Assert.Equal(a.StudyId, c.StudyId);
        Assert.Throws<KeyNotFoundException>(() => Study.Load("missing", storage));
        Assert.IsType<TpeSampler>(c.Sampler);
        Assert.IsType<MedianPruner>(c.Pruner);
    }

    [Fact]
    public void DefaultSamplerFollowsTheNumberOfObjectives()
    {
        // Optuna 3.1's create_study: TPESampler for one direction, NSGAIISampler for several, also when loading.
        Assert.IsType<TpeSampler>(Study.Create().Sampler);
        var storage = new InMemoryStorage();
        var multi = Study.Create("mo", storage, directions: [StudyDirection.Minimize, StudyDirection.Maximize]);
        Assert.IsType<NsgaIISampler>(multi.Sampler);
        Assert.IsType<NsgaIISampler>(Study.Load("mo", storage).Sampler);
        multi.Optimize(t => { double x = t.SuggestFloat("x", 0, 1); return new[] { x, x }; }, nTrials: 5);
        Assert.Equal(5, multi.Trials.Count(t => t.State == TrialState.Complete));
    }

    [Fact]
    public void ParallelJobsRunExactlyNTrials()
    {
        var study = NewStudy(sampler: new TpeSampler(seed: 1, constantLiar: true));
        study.Optimize(t => Math.Pow(t.SuggestFloat("x", -2, 2), 2), nTrials: 40, nJobs: 4);
        Assert.Equal(40, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(Enumerable.Range(0, 40), study.Trials.Select(t => t.Number));
    }

    [Fact]
    public void CallbacksStopTheLoopAndProgressIsReported()
    {
        var study = NewStudy();
        var seen = new List<StudyProgress>();
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 100, callbacks: [new MaxTrialsCallback(7)], progress: new SyncProgress(seen.Add));
        Assert.Equal(7, study.Trials.Count);
        Assert.Equal(Enumerable.Range(1, 7), seen.Select(p => p.FinishedTrials));
        Assert.All(seen, p => Assert.Equal(100, p.TotalTrials));
        Assert.Equal(study.BestValue, seen[^1].BestValue);

        var flat = NewStudy();
        flat.Optimize(t => { t.SuggestFloat("x", 0, 1); return 1.0; }, nTrials: 100, callbacks: [new NoImprovementCallback(patience: 5)]);
        Assert.Equal(6, flat.Trials.Count); // 1 first value, then 5 trials without improvement
    }

    [Fact]
    public void TimeoutEndsTheLoop()
    {
        var study = NewStudy();
        study.Optimize(t => { Thread.Sleep(5); return t.SuggestFloat("x", 0, 1); }, timeout: TimeSpan.FromMilliseconds(60));
        Assert.InRange(study.Trials.Count, 1, 1000);
    }

    [Fact]
    public void TrialsCsvHasOptunasColumns()
    {
        var study = NewStudy();
        var t = study.Ask();
        t.SuggestFloat("x", 0, 1);
        t.SuggestCategorical("c", ["a,b", "z"]);
        t.SetUserAttr("u", 1);
        study.Tell(t, 2.0);
        study.Tell(study.Ask(), double.NaN);
        var w = new StringWriter();
        study.WriteTrialsCsv(w);
        var lines = w.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("number,value,datetime_start,datetime_complete,duration,params_c,params_x,user_attrs_u,system_attrs_fail_reason,state", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.EndsWith(",COMPLETE", lines[1]);
        Assert.StartsWith("0,2,", lines[1]);
        Assert.EndsWith(",FAIL", lines[2]);
        string path = Path.Combine(Path.GetTempPath(), $"trials-{Guid.NewGuid():N}.csv");
        try
        {
            study.SaveTrialsCsv(path);
            Assert.Equal(w.ToString(), File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }

    /// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<StudyProgress> report) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value) => report(value);
    }
}
