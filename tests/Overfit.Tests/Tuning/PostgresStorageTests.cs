using Npgsql;
using Overfit.Tuning;
using Xunit.Abstractions;

namespace Overfit.Tests.Tuning;

/// <summary>The storage contract on PostgreSQL: a fresh database per storage on the throwaway test server.</summary>
public sealed class PostgresStorageTests(ITestOutputHelper output) : StorageContractTests, IDisposable
{
    private readonly List<RdbStorage> _opened = [];

    protected override IStorage? CreateStorage()
    {
        if (PostgresServer.Skip(GetType().Name, output.WriteLine)) return null;
        var s = new RdbStorage(PostgresServer.Instance!.CreateDatabase());
        _opened.Add(s);
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
    }

    [Fact]
    public void TheSchemaIsOptunasPostgresSchema()
    {
        if (CreateStorage() is not RdbStorage s) return;
        Assert.Equal("postgresql", s.Dialect);
        using var c = new NpgsqlConnection(ConnectionString(s.Path));
        c.Open();
        using var cmd = c.CreateCommand();
        // Column types as python3-optuna 3.1 (SQLAlchemy) creates them on PostgreSQL 15, read back from pg_dump.
        cmd.CommandText = "SELECT table_name || '.' || column_name || ' ' || udt_name FROM information_schema.columns " +
            "WHERE table_schema = 'public' AND column_name IN ('state', 'direction', 'value_type', 'intermediate_value_type', 'datetime_start', 'heartbeat', 'param_value', 'trial_id') " +
            "ORDER BY 1";
        var columns = new List<string>();
        using (var r = cmd.ExecuteReader()) while (r.Read()) columns.Add(r.GetString(0));
        Assert.Contains("trials.state trialstate", columns);
        Assert.Contains("study_directions.direction studydirection", columns);
        Assert.Contains("trial_values.value_type trialvaluetype", columns);
        Assert.Contains("trial_intermediate_values.intermediate_value_type trialintermediatevaluetype", columns);
        Assert.Contains("trials.datetime_start timestamp", columns);
        Assert.Contains("trial_heartbeats.heartbeat timestamp", columns);
        Assert.Contains("trial_params.param_value float8", columns);
        cmd.CommandText = "SELECT column_default FROM information_schema.columns WHERE table_name = 'trials' AND column_name = 'trial_id'";
        Assert.StartsWith("nextval(", (string)cmd.ExecuteScalar()!);
    }

    [Fact]
    public void WaitingTrialsArePoppedExactlyOnceByConcurrentWorkers()
    {
        if (CreateStorage() is not RdbStorage s) return;
        int study = s.CreateNewStudy([StudyDirection.Minimize], "queue");
        var template = new FrozenTrial { Number = -1, TrialId = -1, State = TrialState.Waiting };
        var queued = Enumerable.Range(0, 40).Select(_ => s.CreateNewTrial(study, template)).ToHashSet();
        var popped = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            while (s.PopWaitingTrial(study) is { } id) popped.Add(id);
        });
        Assert.Equal(40, popped.Count);
        Assert.Equal(queued, popped.ToHashSet());
        Assert.Equal(40, s.GetNTrials(study, [TrialState.Running]));
    }

    /// <summary>A connection string without pooling for a storage URL of the test server.</summary>
    internal static string ConnectionString(string url)
    {
        var b = PostgresProvider.ParseUrl(url);
        b.Pooling = false;
        return b.ConnectionString;
    }
}
