using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Overfit.Tuning;
using Xunit.Abstractions;

namespace Overfit.Tests.Tuning;

/// <summary>
/// <see cref="GridSampler"/> shared by threads and by worker processes on one stored study (SQLite and PostgreSQL): each
/// grid point is evaluated exactly once, however many trials the workers are allowed, and the study stops when the grid
/// is exhausted; a grid study Optuna 3.1 started continues here with the points it left.
/// </summary>
public sealed class GridSharingTests(ITestOutputHelper output) : IDisposable
{
    private const int GridSize = 40; // Overfit.StudyWorker's GridWorker.Space
    private readonly string _dir = Directory.CreateTempSubdirectory("overfit-grid-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void ThreadsEvaluateEveryPointOnceThenStop()
    {
        var study = Study.Create(sampler: new GridSampler(GridWorker.Space, seed: 2), pruner: new NopPruner());
        study.Optimize(GridWorker.Objective, nTrials: 3 * GridSize, nJobs: 4);
        AssertEachPointOnce(study.Storage, study.StudyId);
    }

    [Fact]
    public void FourProcessesEvaluateEveryPointOnceOnSqlite() => FourProcesses("sqlite:///" + Path.Combine(_dir, "grid.db"));

    [Fact]
    public void FourProcessesEvaluateEveryPointOnceOnPostgres()
    {
        if (PostgresServer.Skip(nameof(FourProcessesEvaluateEveryPointOnceOnPostgres), output.WriteLine)) return;
        FourProcesses(PostgresServer.Instance!.CreateDatabase());
    }

    [Fact]
    public void AGridStudyOptunaStartedContinuesWithThePointsItLeft()
    {
        // Written by make_optuna_grid_study.py: Optuna's GridSampler evaluated grid ids 0, 4, 5, 6 and 11 of 12.
        string db = Path.Combine(_dir, "optuna_grid.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "tuning", "optuna_grid_study.db"), db);
        using var storage = new RdbStorage("sqlite:///" + db);
        var space = new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [-1L, 0L, 1L], ["c"] = ["a", "b", "c", "d"] };
        var study = Study.Load("grid", storage, new GridSampler(space, seed: 0));
        Assert.Equal([0L, 4L, 5L, 6L, 11L], study.Trials.Select(t => (long)t.SystemAttrs["grid_id"]!).Order());
        study.Optimize(t => t.SuggestInt("x", -1, 1) + t.SuggestCategorical("c", ["a", "b", "c", "d"])[0], nTrials: 50);

        var trials = study.Trials;
        Assert.Equal(12, trials.Count);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), trials.Select(t => (long)t.SystemAttrs["grid_id"]!).Order());
        // Optuna's grid order: the product over parameter names in sorted order (c, then x).
        Assert.All(trials, t =>
        {
            long g = (long)t.SystemAttrs["grid_id"]!;
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Equal("abcd"[(int)g / 3].ToString(), t.Params["c"]);
            Assert.Equal((int)(g % 3) - 1, t.Params["x"]);
        });
    }

    [Fact]
    public void AnExplicitAskAfterTheGridIsTakenRepeatsAnUnfinishedPoint()
    {
        var space = new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [0L, 1L] };
        var study = Study.Create(sampler: new GridSampler(space, seed: 0), pruner: new NopPruner());
        var a = study.Ask();
        var b = study.Ask();
        Assert.NotEqual(a.SystemAttrs["grid_id"], b.SystemAttrs["grid_id"]);
        study.Tell(a, a.SuggestInt("x", 0, 1));
        var c = study.Ask(); // as Optuna: every point is taken, so the one still running is repeated
        Assert.Equal(b.SystemAttrs["grid_id"], c.SystemAttrs["grid_id"]);
    }

    private static void FourProcesses(string url)
    {
        string worker = Path.Combine(AppContext.BaseDirectory, "Overfit.StudyWorker.dll");
        Assert.True(File.Exists(worker), $"{worker} not found next to the tests");
        using (var s = new RdbStorage(url)) Study.Create("grid", s);
        var procs = Enumerable.Range(0, 4).Select(_ =>
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            // Each worker may run the whole grid: only the shared claims keep them from repeating points.
            foreach (string a in new[] { worker, "grid", url, "grid", GridSize.ToString() }) psi.ArgumentList.Add(a);
            return Process.Start(psi)!;
        }).ToArray();
        foreach (var p in procs)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "a grid worker did not finish in 3 minutes");
            Assert.True(p.ExitCode == 0, $"a grid worker failed: {stderr.Result}");
        }
        using var storage = new RdbStorage(url);
        AssertEachPointOnce(storage, storage.GetStudyIdFromName("grid"));
    }

    private static void AssertEachPointOnce(IStorage storage, int studyId)
    {
        var trials = storage.GetAllTrials(studyId);
        Assert.Equal(GridSize, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(Enumerable.Range(0, GridSize).Select(i => (long)i), trials.Select(t => (long)t.SystemAttrs["grid_id"]!).Order());
        Assert.Equal(GridSize, trials.Select(t => $"{t.Params["x"]}/{t.Params["c"]}").Distinct().Count());
        Assert.Equal(Enumerable.Range(0, GridSize), trials.Select(t => t.Number));
    }
}
