using Microsoft.Data.Sqlite;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

/// <summary>Heartbeats, stale-trial failing with retries, and the one-line errors of <see cref="RdbStorage"/> on bad input.</summary>
public sealed class RdbFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("overfit-rdbfail-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Url(string name = "s.db") => "sqlite:///" + Path.Combine(_dir, name);

    [Fact]
    public void GracePeriodDefaultsToTwiceTheInterval()
    {
        using var s = new RdbStorage(Url(), heartbeatInterval: TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(6), s.GracePeriod);
        using var none = new RdbStorage(Url());
        Assert.Null(none.GracePeriod);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RdbStorage(Url(), heartbeatInterval: TimeSpan.Zero));
    }

    [Fact]
    public void AStaleTrialIsFailedBeforeTheNextAskAndRetriedWithItsParameters()
    {
        var interval = TimeSpan.FromMilliseconds(100);
        using var dead = new RdbStorage(Url(), heartbeatInterval: interval);
        var crashed = Study.Create("w", dead, new RandomSampler(seed: 1));
        var lost = crashed.Ask();
        double x = lost.SuggestFloat("x", 0, 1);
        lost.SetUserAttr("run", "first");
        dead.RecordHeartbeat(lost.TrialId); // then the worker "dies": no more beats
        Thread.Sleep(400); // past the 200 ms grace period
        Assert.Equal([lost.TrialId], dead.GetStaleTrialIds(crashed.StudyId));

        using var live = new RdbStorage(Url(), heartbeatInterval: interval, failedTrialCallback: new RetryFailedTrialCallback(maxRetry: 1));
        var study = Study.Load("w", live, new RandomSampler(seed: 2));
        var retry = study.Ask(); // fails the stale trial, whose callback enqueued its retry, which this ask pops
        var failed = live.GetTrial(lost.TrialId);
        Assert.Equal(TrialState.Fail, failed.State);
        Assert.NotNull(failed.DatetimeComplete);
        Assert.Contains("heartbeat", (string)failed.SystemAttrs[Study.FailReasonKey]!);
        Assert.Equal(1, retry.Number);
        Assert.Equal(x, retry.SuggestFloat("x", 0, 1));
        Assert.Equal("first", retry.UserAttrs["run"]);
        var frozen = live.GetTrial(retry.TrialId);
        Assert.Equal(0, RetryFailedTrialCallback.RetriedTrialNumber(frozen));
        Assert.Equal([0], RetryFailedTrialCallback.RetryHistory(frozen));
        Assert.Empty(live.GetStaleTrialIds(study.StudyId)); // the retry has no heartbeat yet, so it is not stale
    }

    [Fact]
    public void RetriesStopAfterMaxRetry()
    {
        using var s = new RdbStorage(Url());
        var study = Study.Create("r", s);
        var callback = new RetryFailedTrialCallback(maxRetry: 1);
        var t = study.Ask();
        t.SuggestInt("n", 0, 3);
        callback.Invoke(study, study.Tell(t, TrialState.Fail));
        var second = study.Ask();
        Assert.Equal([0], RetryFailedTrialCallback.RetryHistory(second.Study.Storage.GetTrial(second.TrialId)));
        callback.Invoke(study, study.Tell(second, TrialState.Fail));
        Assert.Equal(0, s.GetNTrials(study.StudyId, [TrialState.Waiting])); // history [0, 1] exceeds maxRetry 1
    }

    [Fact]
    public void HeartbeatsKeepARunningTrialFreshWhileTheObjectiveRuns()
    {
        using var s = new RdbStorage(Url(), heartbeatInterval: TimeSpan.FromMilliseconds(300));
        var study = Study.Create("beat", s);
        IReadOnlyList<int>? staleDuringRun = null;
        study.Optimize(trial =>
        {
            Thread.Sleep(2400); // 4× the 600 ms grace period (beats every 300 ms leave room for a loaded machine): without the heartbeat thread's beats the trial would be stale
            staleDuringRun = s.GetStaleTrialIds(study.StudyId);
            return trial.SuggestFloat("x", 0, 1);
        }, nTrials: 1);
        Assert.NotNull(staleDuringRun);
        Assert.Empty(staleDuringRun);
        Assert.Equal(TrialState.Complete, study.Trials.Single().State);
    }

    [Theory]
    [InlineData("mysql://u@h/db")]
    [InlineData("sqlite:///")]
    [InlineData("")]
    public void MalformedUrlsAreRejectedNamingTheUrl(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => new RdbStorage(url));
        Assert.Contains($"'{url}'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void AMissingDirectoryIsNamedAndNothingIsCreated()
    {
        string url = "sqlite:///" + Path.Combine(_dir, "nope", "s.db");
        var e = Assert.Throws<IOException>(() => new RdbStorage(url));
        Assert.Contains(Path.Combine(_dir, "nope"), e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "nope")));
    }

    [Fact]
    public void AnUnknownStudyIsNamed()
    {
        using var s = new RdbStorage(Url());
        var e = Assert.Throws<KeyNotFoundException>(() => Study.Load("ghost", s));
        Assert.Contains("'ghost'", e.Message);
        Assert.Empty(s.GetAllStudies());
    }

    [Fact]
    public void AnUnknownSchemaVersionIsRejectedAndTheFileLeftAlone()
    {
        string path = Path.Combine(_dir, "old.db");
        new RdbStorage(path).Dispose();
        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE version_info SET schema_version = 99";
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        var e = Assert.Throws<InvalidDataException>(() => new RdbStorage(path));
        Assert.Contains("99", e.Message);
        Assert.Contains(path, e.Message);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void AReadOnlyFileIsNamed()
    {
        if (OperatingSystem.IsWindows()) return;
        string path = Path.Combine(_dir, "ro.db");
        new RdbStorage(path).Dispose();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var e = Assert.Throws<IOException>(() => new RdbStorage(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("read-only", e.Message);
    }

    [Fact]
    public void PlainPathsAndRelativeUrlsNameTheSameKindOfFile()
    {
        Assert.Equal("rel/s.db", RdbStorage.SqlitePathFromUrl("sqlite:///rel/s.db"));
        Assert.Equal("/abs/s.db", RdbStorage.SqlitePathFromUrl("sqlite:////abs/s.db"));
        Assert.Equal("/abs/s.db", RdbStorage.SqlitePathFromUrl("/abs/s.db"));
    }
}
