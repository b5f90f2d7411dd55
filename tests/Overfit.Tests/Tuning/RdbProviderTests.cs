using Npgsql;
using Overfit.Tuning;
using Xunit.Abstractions;

namespace Overfit.Tests.Tuning;

/// <summary>
/// PostgreSQL URLs and errors, the fail reason written with the state, and the per-process trial caches staying
/// exact while other processes (other storage instances) write, on SQLite and PostgreSQL.
/// </summary>
public sealed class RdbProviderTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("overfit-rdbprov-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("postgresql://u@h/db", "h", 5432, "u", "db")]
    [InlineData("postgres://u:p%40ss@10.0.0.2:6543/studies?pool_size=3", "10.0.0.2", 6543, "u", "studies")]
    [InlineData("postgresql+psycopg2://u@[::1]:5433/db", "::1", 5433, "u", "db")]
    [InlineData("postgresql://h:5433/db", "h", 5433, null, "db")]
    public void PostgresUrlsAreParsed(string url, string host, int port, string? user, string database)
    {
        var b = PostgresProvider.ParseUrl(url);
        Assert.Equal(host, b.Host);
        Assert.Equal(port, b.Port);
        Assert.Equal(user, b.Username);
        Assert.Equal(database, b.Database);
        if (url.Contains("pool_size=3")) { Assert.Equal(3, b.MaxPoolSize); Assert.Equal("p@ss", b.Password); }
        else Assert.Equal(PostgresProvider.DefaultPoolSize, b.MaxPoolSize);
    }

    [Theory]
    [InlineData("postgresql://u@h", "expected postgresql://")]
    [InlineData("postgresql://u@h:99999/db", "port '99999'")]
    [InlineData("postgresql://u:secret@h/db?pool_size=0", "pool_size")]
    [InlineData("postgresql://u:secret@h/db?sslmode=require", "unknown option 'sslmode'")]
    public void MalformedPostgresUrlsNameThePartAndHideThePassword(string url, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => new RdbStorage(url));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("secret", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AnUnreachablePostgresIsAnIOExceptionNamingHostAndPort()
    {
        var e = Assert.Throws<IOException>(() => new RdbStorage("postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2"));
        Assert.Contains("127.0.0.1:1", e.Message);
        Assert.DoesNotContain("secret", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void PostgresRefusesAnUnknownSchemaVersionAndAMissingStudyAndCreatesNothing()
    {
        if (PostgresServer.Skip(nameof(PostgresRefusesAnUnknownSchemaVersionAndAMissingStudyAndCreatesNothing), output.WriteLine)) return;
        string url = PostgresServer.Instance!.CreateDatabase();
        using (var s = new RdbStorage(url))
        {
            var e = Assert.Throws<KeyNotFoundException>(() => Study.Load("ghost", s));
            Assert.Contains("'ghost'", e.Message);
            Assert.Empty(s.GetAllStudies());
            Exec(s, "UPDATE version_info SET schema_version = 99");
        }
        var bad = Assert.Throws<InvalidDataException>(() => new RdbStorage(url));
        Assert.Contains("99", bad.Message);

        // A database where creating the schema fails part way keeps none of it: DDL runs in one transaction.
        string other = PostgresServer.Instance.CreateDatabase();
        using (var c = new NpgsqlConnection(PostgresStorageTests.ConnectionString(other)))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE trial_values (x INTEGER)"; // a clash halfway through the DDL
            cmd.ExecuteNonQuery();
        }
        Assert.Contains("trial_values", Assert.Throws<IOException>(() => new RdbStorage(other)).Message);
        using (var c = new NpgsqlConnection(PostgresStorageTests.ConnectionString(other)))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT to_regclass('studies') IS NULL AND to_regtype('trialstate') IS NULL";
            Assert.Equal(true, cmd.ExecuteScalar());
        }
    }

    [Fact]
    public void TheFailReasonIsWrittenWithTheStateOnSqlite() => FailReasonIsWrittenWithTheState("sqlite:///" + Path.Combine(_dir, "f.db"));

    [Fact]
    public void TheFailReasonIsWrittenWithTheStateOnPostgres()
    {
        if (PostgresServer.Skip(nameof(TheFailReasonIsWrittenWithTheStateOnPostgres), output.WriteLine)) return;
        FailReasonIsWrittenWithTheState(PostgresServer.Instance!.CreateDatabase());
    }

    private static void FailReasonIsWrittenWithTheState(string url)
    {
        using var s = new RdbStorage(url);
        int study = s.CreateNewStudy([StudyDirection.Minimize], "f");
        int t = s.CreateNewTrial(study);
        s.SetTrialStateValues(t, TrialState.Complete, [1.0]);
        // Failing a finished trial is refused as a whole: the reason is not written either.
        Assert.Throws<InvalidOperationException>(() => s.SetTrialStateValues(t, TrialState.Fail, null, new Dictionary<string, object?> { [Study.FailReasonKey] = "late" }));
        using var reader = new RdbStorage(url);
        Assert.False(reader.GetTrial(t).SystemAttrs.ContainsKey(Study.FailReasonKey));

        int u = s.CreateNewTrial(study);
        Assert.True(s.SetTrialStateValues(u, TrialState.Fail, null, new Dictionary<string, object?> { [Study.FailReasonKey] = "boom" }));
        var failed = reader.GetTrial(u);
        Assert.Equal(TrialState.Fail, failed.State);
        Assert.Equal("boom", failed.SystemAttrs[Study.FailReasonKey]);
        AssertSameTrial(failed, s.GetTrial(u)); // the writer's cached copy equals what a reader loads
    }

    [Fact]
    public void CachedTrialsFollowOtherWritersOnSqlite() => CachedTrialsFollowOtherWriters("sqlite:///" + Path.Combine(_dir, "c.db"));

    [Fact]
    public void CachedTrialsFollowOtherWritersOnPostgres()
    {
        if (PostgresServer.Skip(nameof(CachedTrialsFollowOtherWritersOnPostgres), output.WriteLine)) return;
        CachedTrialsFollowOtherWriters(PostgresServer.Instance!.CreateDatabase());
    }

    private static void CachedTrialsFollowOtherWriters(string url)
    {
        using var a = new RdbStorage(url);
        using var b = new RdbStorage(url);
        int study = a.CreateNewStudy([StudyDirection.Minimize], "c");
        int t0 = a.CreateNewTrial(study), t1 = b.CreateNewTrial(study);
        a.SetTrialStateValues(t0, TrialState.Complete, [0.0]);
        Assert.Equal([TrialState.Complete, TrialState.Running], a.GetAllTrials(study).Select(t => t.State)); // caches t0
        b.SetTrialParam(t1, "x", 0.5, new FloatDistribution(0, 1));
        b.SetTrialStateValues(t1, TrialState.Complete, [0.5]);
        int t2 = b.CreateNewTrial(study);
        var seen = a.GetAllTrials(study);
        Assert.Equal([0, 1, 2], seen.Select(t => t.Number));
        Assert.Equal(0.5, seen[1].Params["x"]);
        Assert.Equal(TrialState.Running, seen[2].State);
        var other = b.GetAllTrials(study);
        for (int i = 0; i < 3; i++) AssertSameTrial(other[i], seen[i]);

        // Deleting and recreating the study under another instance drops what the first one cached.
        b.DeleteStudy(study);
        int again = b.CreateNewStudy([StudyDirection.Minimize], "c");
        b.CreateNewTrial(again);
        var fresh = a.GetAllTrials(again);
        Assert.Single(fresh);
        Assert.Equal(TrialState.Running, fresh[0].State);
        Assert.Throws<KeyNotFoundException>(() => a.GetTrial(t2));
    }

    /// <summary>Field by field: the records hold immutable dictionaries, which compare by reference.</summary>
    private static void AssertSameTrial(FrozenTrial expected, FrozenTrial actual)
    {
        Assert.Equal((expected.Number, expected.TrialId, expected.State, expected.DatetimeStart, expected.DatetimeComplete),
            (actual.Number, actual.TrialId, actual.State, actual.DatetimeStart, actual.DatetimeComplete));
        Assert.Equal(expected.Values, actual.Values);
        Assert.Equal(expected.InternalParams.OrderBy(p => p.Key), actual.InternalParams.OrderBy(p => p.Key));
        Assert.Equal(expected.Distributions.OrderBy(p => p.Key), actual.Distributions.OrderBy(p => p.Key));
        Assert.Equal(expected.UserAttrs.OrderBy(p => p.Key), actual.UserAttrs.OrderBy(p => p.Key));
        Assert.Equal(expected.SystemAttrs.OrderBy(p => p.Key), actual.SystemAttrs.OrderBy(p => p.Key));
        Assert.Equal(expected.IntermediateValues, actual.IntermediateValues);
    }

    private static void Exec(RdbStorage s, string sql)
    {
        using var c = new NpgsqlConnection(PostgresStorageTests.ConnectionString(s.Path));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
