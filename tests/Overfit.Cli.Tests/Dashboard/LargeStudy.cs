using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Dashboard;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Dashboard;

/// <summary>One trial of <see cref="LargeStudy"/> as the test expects to see it.</summary>
internal sealed record LargeTrial(int Number, TrialState State, double X, int Y, string C, double? Value, int Fold, DateTime Start, DateTime End);

/// <summary>
/// A seeded 10,000-trial study in a SQLite file (float x, int y, categorical c, a user attribute; every 10th trial
/// pruned with three intermediate values, every 25th failed, the rest complete), served by its own dashboard.
/// The study and its first trial are written through the storage API (Study.AddTrial), which creates Optuna's
/// schema and records the distributions; the other trials go into the same tables in one SQLite transaction,
/// because the storage API's one transaction per trial takes tens of seconds for ten thousand.
/// </summary>
internal static class LargeStudy
{
    public static readonly string[] Choices = ["relu", "tanh", "gelu"];
    public static readonly FloatDistribution X = new(-4, 4);
    public static readonly IntDistribution Y = new(0, 10);
    public static readonly CategoricalDistribution C = new(Choices.Cast<object?>().ToArray());
    private static readonly DateTime Origin = new(2026, 1, 1, 0, 0, 0);

    /// <summary>Trial <paramref name="number"/> of the study seeded with <paramref name="seed"/>.</summary>
    public static LargeTrial Expected(int number, int seed)
    {
        var rng = new Random(seed * 1_000_003 + number);
        double x = Math.Round(rng.NextDouble() * 8 - 4, 6);
        int y = rng.Next(0, 11);
        string c = Choices[rng.Next(3)];
        var state = number % 25 == 24 ? TrialState.Fail : number % 10 == 9 ? TrialState.Pruned : TrialState.Complete;
        double? value = state == TrialState.Complete ? x * x + 0.3 * y + (c == "tanh" ? 1 : 0) : null;
        // Two workers: a trial starts every 0.5 s and runs 0.9 s.
        var start = Origin.AddSeconds(0.5 * number);
        return new LargeTrial(number, state, x, y, c, value, number % 7, start, start.AddSeconds(0.9));
    }

    /// <summary>The same trial as a template for <see cref="Study.AddTrial"/>.</summary>
    public static FrozenTrial Template(LargeTrial t) => new()
    {
        Number = 0,
        TrialId = 0,
        State = t.State,
        Values = t.Value is { } v ? [v] : null,
        DatetimeStart = t.Start,
        DatetimeComplete = t.End,
        InternalParams = ImmutableDictionary<string, double>.Empty.Add("x", t.X).Add("y", t.Y).Add("c", Array.IndexOf(Choices, t.C)),
        Distributions = ImmutableDictionary<string, Distribution>.Empty.Add("x", X).Add("y", Y).Add("c", C),
        IntermediateValues = t.State == TrialState.Pruned
            ? ImmutableSortedDictionary<int, double>.Empty.Add(0, t.X * t.X + 3).Add(1, t.X * t.X + 2).Add(2, t.X * t.X + 1)
            : ImmutableSortedDictionary<int, double>.Empty,
        UserAttrs = ImmutableDictionary<string, object?>.Empty.Add("fold", (long)t.Fold),
    };

    /// <summary>Creates study <paramref name="name"/> of <paramref name="n"/> trials in the SQLite file at <paramref name="path"/>.</summary>
    public static Study Create(RdbStorage storage, string path, string name, int n, int seed)
    {
        var study = Study.Create(name, storage, new RandomSampler(seed: (ulong)seed));
        study.AddTrial(Template(Expected(0, seed)));
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        using var tx = db.BeginTransaction();
        var trial = Prepare(db, tx, "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES ($n, $s, $st, $ds, $dc) RETURNING trial_id", "$n", "$s", "$st", "$ds", "$dc");
        var param = Prepare(db, tx, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES ($t, $p, $v, $d)", "$t", "$p", "$v", "$d");
        var value = Prepare(db, tx, "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES ($t, 0, $v, 'FINITE')", "$t", "$v");
        var step = Prepare(db, tx, "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES ($t, $k, $v, 'FINITE')", "$t", "$k", "$v");
        var attr = Prepare(db, tx, "INSERT INTO trial_user_attributes (trial_id, \"key\", value_json) VALUES ($t, 'fold', $v)", "$t", "$v");
        for (int i = 1; i < n; i++)
        {
            var e = Expected(i, seed);
            var template = Template(e);
            long id = Scalar(trial, i, study.StudyId, e.State.ToString().ToUpperInvariant(), Date(e.Start), Date(e.End));
            foreach (var (p, d) in template.Distributions) Run(param, id, p, template.InternalParams[p], d.ToJson());
            if (e.Value is { } v) Run(value, id, v);
            foreach (var (k, v2) in template.IntermediateValues) Run(step, id, k, v2);
            Run(attr, id, e.Fold.ToString(CultureInfo.InvariantCulture));
        }
        tx.Commit();
        return study;
    }

    private static string Date(DateTime d) => d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    private static SqliteCommand Prepare(SqliteConnection db, SqliteTransaction tx, string sql, params string[] names)
    {
        var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (string name in names) cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        cmd.Prepare();
        return cmd;
    }

    private static void Run(SqliteCommand cmd, params object[] args)
    {
        for (int k = 0; k < args.Length; k++) cmd.Parameters[k].Value = args[k];
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteCommand cmd, params object[] args)
    {
        for (int k = 0; k < args.Length; k++) cmd.Parameters[k].Value = args[k];
        return (long)cmd.ExecuteScalar()!;
    }
}

/// <summary>
/// Two 10,000-trial studies in one SQLite file with a dashboard over them: "large" is only read, "large-live" gains
/// trials during a test; and a small three-objective study for the Pareto plot's choice of objectives. fANOVA is limited to 200 trials so its panel arrives quickly.
/// </summary>
public sealed class LargeStudyFixture : IAsyncLifetime
{
    public const int N = 10_000;
    public const int FanovaMaxTrials = 200;
    private readonly TempFolder _tmp = new();
    private WebApplication? _app;

    public RdbStorage Storage { get; private set; } = null!;
    public Study Large { get; private set; } = null!;
    public Study Live { get; private set; } = null!;
    public Study Three { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    internal LargeTrial[] Trials { get; } = Enumerable.Range(0, N).Select(i => LargeStudy.Expected(i, seed: 1)).ToArray();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.Chromium)) return;
        string path = _tmp.Sub("large.db");
        Storage = new RdbStorage("sqlite:///" + path);
        Large = LargeStudy.Create(Storage, path, "large", N, seed: 1);
        Live = LargeStudy.Create(Storage, path, "large-live", N, seed: 2);
        Three = ThreeObjectives(Storage);
        _app = DashboardApp.Create(Storage, new DashboardOptions { FanovaMaxTrials = FanovaMaxTrials }, port: 0);
        await _app.StartAsync();
        BaseUrl = DashboardApp.ListeningUrls(_app)[0].TrimEnd('/');
    }

    /// <summary>20 completed trials of three objectives (x², (x-2)², z) over x in [-1, 3], z in [0, 1].</summary>
    private static Study ThreeObjectives(IStorage storage)
    {
        var study = Study.Create("three", storage, new RandomSampler(seed: 5), directions: [StudyDirection.Minimize, StudyDirection.Minimize, StudyDirection.Maximize]);
        for (int i = 0; i < 20; i++)
        {
            var t = study.Ask();
            double x = t.SuggestFloat("x", -1, 3), z = t.SuggestFloat("z", 0, 1);
            study.Tell(t, [x * x + z, (x - 2) * (x - 2) + z, z]);
        }
        return study;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        Storage?.Dispose();
        SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }
}
