using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Overfit.Tuning;
using Xunit.Abstractions;

namespace Overfit.Tests.Tuning;

/// <summary>
/// kill -9 of a worker process in the middle of a trial, on a SQLite file and on PostgreSQL: after the grace period the
/// next worker fails the dead worker's trial (with the reason), retries its parameters, keeps every trial finished
/// before the kill as it was, and finishes the study's budget.
/// </summary>
public sealed class RdbCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Budget = 8, DoneBeforeKill = 4;
    private static readonly TimeSpan Beat = TimeSpan.FromMilliseconds(200);
    private readonly string _dir = Directory.CreateTempSubdirectory("overfit-crash-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void AKilledWorkersTrialIsFailedAndTheStudyFinishesOnSqlite() => KillMidTrialThenResume("sqlite:///" + Path.Combine(_dir, "crash.db"));

    [Fact]
    public void AKilledWorkersTrialIsFailedAndTheStudyFinishesOnPostgres()
    {
        if (PostgresServer.Skip(nameof(AKilledWorkersTrialIsFailedAndTheStudyFinishesOnPostgres), output.WriteLine)) return;
        KillMidTrialThenResume(PostgresServer.Instance!.CreateDatabase());
    }

    private static void KillMidTrialThenResume(string url)
    {
        string worker = Path.Combine(AppContext.BaseDirectory, "Overfit.StudyWorker.dll");
        Assert.True(File.Exists(worker), $"{worker} not found next to the tests");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { worker, url, "crash", Budget.ToString(), "0.2", DoneBeforeKill.ToString() }) psi.ArgumentList.Add(a);
        using var victim = Process.Start(psi)!;
        var stderr = victim.StandardError.ReadToEndAsync();
        var line = victim.StandardOutput.ReadLineAsync();
        Assert.True(line.Wait(TimeSpan.FromMinutes(2)) && line.Result is not null, $"the worker did not reach its trial: {(victim.HasExited ? stderr.Result : "timeout")}");
        int hung = int.Parse(line.Result!["RUNNING ".Length..]);
        Assert.Equal(DoneBeforeKill, hung);

        using var storage = new RdbStorage(url, Beat, failedTrialCallback: new RetryFailedTrialCallback(maxRetry: 1).Invoke);
        int studyId = storage.GetStudyIdFromName("crash");
        var before = storage.GetAllTrials(studyId);
        Assert.Equal(TrialState.Running, before[hung].State);
        victim.Kill(); // SIGKILL: no finally blocks, no last heartbeat, no tell
        victim.WaitForExit();

        Thread.Sleep(3 * Beat); // past the 400 ms grace period
        var study = Study.Load("crash", storage, new RandomSampler(seed: 3));
        study.Optimize(t => Math.Pow(t.SuggestFloat("x", -1, 1), 2), nTrials: Budget - DoneBeforeKill);

        var after = storage.GetAllTrials(studyId);
        var dead = after[hung];
        Assert.Equal(TrialState.Fail, dead.State);
        Assert.Contains("heartbeat", (string)dead.SystemAttrs[Study.FailReasonKey]!);
        for (int i = 0; i < DoneBeforeKill; i++)
        {
            Assert.Equal(TrialState.Complete, after[i].State);
            Assert.Equal(before[i].Values, after[i].Values);
            Assert.Equal(before[i].Params, after[i].Params);
        }
        var retry = after.Single(t => RetryFailedTrialCallback.RetriedTrialNumber(t) == hung);
        Assert.Equal(TrialState.Complete, retry.State);
        Assert.Equal(before[hung].Params["x"], retry.Params["x"]);
        Assert.Equal(Budget, after.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enumerable.Range(0, Budget + 1), after.Select(t => t.Number));
    }
}
