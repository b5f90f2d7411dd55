using Overfit.Cli.Experiments;
using Overfit.Cli.Infrastructure;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Hpo;

/// <summary>
/// The end of a study shared by several workers: a worker whose next trial would exceed the budget while another
/// worker's trial is still running waits for it, and takes over only when that trial does not finish.
/// </summary>
public sealed class HpoStudyRunnerTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    private (HpoStudySpec Spec, IStorage Storage, Study Study, Trial Running) StudyWithOneRunningTrialOfAnotherWorker()
    {
        string url = "sqlite:///" + _tmp.Sub("r.db");
        var spec = new HpoStudySpec("FashionMNIST", "random", "none", new HpoBudget(Trials: 2, Init: 1, Epochs: 1, TrainCount: 64, TestCount: 32),
            Seed: 3, url, "r", BudgetLevel.Tiny, DataDirectory: null);
        var storage = HpoStudyRunner.OpenStorage(url);
        var study = HpoStudyRunner.OpenStudy(spec, storage, workerIndex: 1);
        study.Tell(study.Ask(), 0.5);
        var running = study.Ask();
        ((IHeartbeatStorage)storage).RecordHeartbeat(running.TrialId);
        return (spec, storage, study, running);
    }

    private static ImageClassificationData Data(HpoStudySpec spec)
    {
        var (train, test, source) = HpoFixtures.Load(spec.Dataset, null);
        return HpoSearch.Prepare(spec.Dataset, train, test, spec.Budget, source);
    }

    /// <summary>
    /// Runs this worker (index 0) on the study while the other worker, a second later, ends its running trial with
    /// <paramref name="finish"/>; returns the trials this worker ran, the study's trials after it, and the other trial's number.
    /// </summary>
    private async Task<(List<FrozenTrial> Ran, IReadOnlyList<FrozenTrial> Trials, int Other)> RunWhileTheOtherWorkerEndsItsTrial(Action<Study, Trial> finish)
    {
        var (spec, storage, study, running) = StudyWithOneRunningTrialOfAnotherWorker();
        using var close = storage as IDisposable;
        var data = Data(spec);
        var otherWorker = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            finish(study, running);
        });
        var ran = new List<FrozenTrial>();
        HpoStudyRunner.RunInProcess(HpoStudyRunner.OpenStudy(spec, storage, workerIndex: 0), spec, data, ran.Add);
        await otherWorker;
        return (ran, study.Trials, running.Number);
    }

    [Fact]
    public async Task AWorkerWaitsForTheLastRunningTrialInsteadOfStartingOneMore()
    {
        var (ran, trials, _) = await RunWhileTheOtherWorkerEndsItsTrial((study, running) => study.Tell(running, 0.75));
        Assert.Empty(ran);
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task AWaitingWorkerRunsTheTrialThatTheOtherWorkerFailed()
    {
        var (ran, trials, other) = await RunWhileTheOtherWorkerEndsItsTrial((study, running) => study.Tell(running, TrialState.Fail));
        Assert.Single(ran);
        Assert.Equal(TrialState.Complete, ran[0].State);
        Assert.Equal(2, trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(TrialState.Fail, trials.Single(t => t.Number == other).State);
    }

    [Fact]
    public void AGridSmallerThanTheBudgetEndsTheRunWhenItsPointsAreTaken()
    {
        string url = "sqlite:///" + _tmp.Sub("g.db");
        var spec = new HpoStudySpec("FashionMNIST", "grid", "none", new HpoBudget(Trials: 3, Init: 1, Epochs: 1, TrainCount: 64, TestCount: 32),
            Seed: 3, url, "g", BudgetLevel.Tiny, DataDirectory: null);
        var storage = HpoStudyRunner.OpenStorage(url);
        using var close = storage as IDisposable;
        // One grid point: the lower end of every range.
        var grid = new GridSampler(HpoSearch.Bounds(spec.Dataset).ToDictionary(p => p.Key, p => (IReadOnlyList<object?>)[p.Value.Low]));
        var study = Study.Create("g", storage, grid, direction: StudyDirection.Maximize);
        var ran = new List<FrozenTrial>();
        HpoStudyRunner.RunInProcess(study, spec, Data(spec), ran.Add);
        Assert.Single(ran);
        Assert.Single(study.Trials);
    }
}
