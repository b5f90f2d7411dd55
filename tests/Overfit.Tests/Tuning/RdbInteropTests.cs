using System.Diagnostics;
using System.Text.Json;
using Overfit.Tuning;
using Xunit.Abstractions;

namespace Overfit.Tests.Tuning;

/// <summary>
/// Study files shared with Optuna 3.1: one written by Optuna (fixtures/reference/tuning/make_optuna_rdb_study.py) is
/// read here, and one written here is read back by optuna.load_study (read_optuna_study.py) where Optuna is installed.
/// Both compare against read_optuna_study.py's JSON form of what Optuna sees.
/// </summary>
public sealed class RdbInteropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string FixtureDir = Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "tuning");
    private readonly string _dir = Directory.CreateTempSubdirectory("overfit-interop-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void StudyWrittenByOptunaLoadsWithTheSameTrials()
    {
        // Work on a copy: opening switches the file to WAL journaling.
        string db = Path.Combine(_dir, "optuna.db");
        File.Copy(Path.Combine(FixtureDir, "optuna_rdb_study.db"), db);
        using var storage = new RdbStorage("sqlite:///" + db);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDir, "optuna_rdb_study.json")));
        AssertSameStudies(expected.RootElement, storage);
        var single = Study.Load("single", storage);
        Assert.Equal([TrialState.Complete, TrialState.Complete, TrialState.Complete, TrialState.Pruned, TrialState.Fail, TrialState.Complete, TrialState.Waiting],
            single.Trials.Select(t => t.State));
        Assert.Equal("toy", single.UserAttrs["dataset"]);
    }

    [Fact]
    public Task StudyWrittenHereLoadsInOptuna() => WrittenHereLoadsInOptuna(nameof(StudyWrittenHereLoadsInOptuna), "sqlite:///" + Path.Combine(_dir, "overfit.db"));

    [Fact]
    public Task StudyWrittenHereOnPostgresLoadsInOptuna()
    {
        // Optuna reaches PostgreSQL through psycopg2; both must import.
        if (PostgresServer.Skip(nameof(StudyWrittenHereOnPostgresLoadsInOptuna), output.WriteLine)) return Task.CompletedTask;
        return WrittenHereLoadsInOptuna(nameof(StudyWrittenHereOnPostgresLoadsInOptuna), PostgresServer.Instance!.CreateDatabase(), "import optuna, psycopg2");
    }

    [Fact]
    public async Task StudyWrittenByOptunaOnPostgresLoadsWithTheSameTrials()
    {
        const string test = nameof(StudyWrittenByOptunaOnPostgresLoadsWithTheSameTrials);
        if (PostgresServer.Skip(test, output.WriteLine)) return;
        if (!OptunaAvailable(out string why, "import optuna, psycopg2"))
        {
            string message = $"SKIPPED {test}: {why}";
            output.WriteLine(message);
            Console.Error.WriteLine(message);
            return;
        }
        // Optuna creates the schema and writes the fixture's studies on the server; its JSON is what Optuna reads back.
        string url = PostgresServer.Instance!.CreateDatabase();
        using var written = JsonDocument.Parse(await RunFixtureScript("make_optuna_rdb_study.py", url));
        using var storage = new RdbStorage(url);
        AssertSameStudies(written.RootElement, storage);
        var single = Study.Load("single", storage);
        Assert.Equal([TrialState.Complete, TrialState.Complete, TrialState.Complete, TrialState.Pruned, TrialState.Fail, TrialState.Complete, TrialState.Waiting],
            single.Trials.Select(t => t.State));
        Assert.Equal("toy", single.UserAttrs["dataset"]);
    }

    private async Task WrittenHereLoadsInOptuna(string test, string url, string imports = "import optuna")
    {
        if (!OptunaAvailable(out string why, imports))
        {
            string message = $"SKIPPED {test}: {why}";
            output.WriteLine(message);
            Console.Error.WriteLine(message);
            return;
        }
        using (var storage = new RdbStorage(url))
        {
            var study = Study.Create("single", storage, new RandomSampler(seed: 3));
            study.SetUserAttr("folds", new[] { 1, 2 });
            for (int i = 0; i < 5; i++)
            {
                var trial = study.Ask();
                double x = trial.SuggestFloat("x", -1, 1);
                double lr = trial.SuggestFloat("lr", 1e-3, 1, log: true);
                int n = trial.SuggestInt("n", 0, 8, step: 2);
                string? kind = trial.SuggestCategorical("kind", new[] { "a", null, "c" });
                trial.SetUserAttr("nested", new Dictionary<string, object?> { ["i"] = i, ["kind"] = kind });
                trial.Report(x, 0);
                trial.Report(i == 1 ? double.PositiveInfinity : x * 2, 1);
                if (i == 1) study.Tell(trial, TrialState.Pruned);
                else if (i == 2) study.Tell(trial, double.NaN);
                else study.Tell(trial, x * x + lr + n);
            }
            study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.25 });
            var multi = Study.Create("multi", storage, new RandomSampler(seed: 4), directions: [StudyDirection.Minimize, StudyDirection.Maximize]);
            var t = multi.Ask();
            multi.Tell(t, [t.SuggestFloat("a", 0, 1), double.NegativeInfinity]);
        }
        using var seen = JsonDocument.Parse(await RunFixtureScript("read_optuna_study.py", url, "single", "multi"));
        using var reader = new RdbStorage(url);
        AssertSameStudies(seen.RootElement, reader);
        Assert.Equal(6, seen.RootElement.GetProperty("single").GetProperty("trials").GetArrayLength());
    }

    /// <summary>Runs a fixture script with /usr/bin/python3 and returns its standard output (the JSON it prints).</summary>
    internal static async Task<string> RunFixtureScript(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(FixtureDir, script));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string json = p.StandardOutput.ReadToEnd();
        string err = await stderr;
        Assert.True(p.WaitForExit(120_000), $"{script} did not finish in 120 s");
        Assert.True(p.ExitCode == 0, $"{script} failed: {err}");
        return json;
    }

    internal static bool OptunaAvailable(out string why, string imports = "import optuna")
    {
        why = "";
        if (!File.Exists("/usr/bin/python3")) { why = "/usr/bin/python3 not found"; return false; }
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", imports]) { RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) why = $"`/usr/bin/python3 -c \"{imports}\"` failed: " + err.Trim().Split('\n')[^1];
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e) { why = e.Message; return false; }
    }

    /// <summary>Every study in <paramref name="expected"/> (read_optuna_study.py's form) equals what the storage returns.</summary>
    private static void AssertSameStudies(JsonElement expected, IStorage storage)
    {
        foreach (var studyJson in expected.EnumerateObject())
        {
            int id = storage.GetStudyIdFromName(studyJson.Name);
            Assert.Equal(studyJson.Value.GetProperty("directions").EnumerateArray().Select(d => d.GetString()),
                storage.GetStudyDirections(id).Select(RdbSchema.DirectionName));
            AssertSameJson(studyJson.Value.GetProperty("user_attrs"), storage.GetStudyUserAttrs(id));
            var trials = storage.GetAllTrials(id);
            var expectedTrials = studyJson.Value.GetProperty("trials").EnumerateArray().ToArray();
            Assert.Equal(expectedTrials.Length, trials.Count);
            for (int i = 0; i < trials.Count; i++)
            {
                var e = expectedTrials[i];
                var t = trials[i];
                string where = $"{studyJson.Name} trial {t.Number}";
                Assert.Equal(e.GetProperty("number").GetInt32(), t.Number);
                Assert.Equal(e.GetProperty("state").GetString(), RdbSchema.StateName(t.State));
                var values = e.GetProperty("values");
                if (values.ValueKind == JsonValueKind.Null) Assert.Null(t.Values);
                else Assert.Equal(values.EnumerateArray().Select(Number), t.Values!);
                var dists = e.GetProperty("distributions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                Assert.Equal(dists.Keys.Order(), t.Distributions.Keys.Order());
                foreach (var (name, djson) in dists)
                {
                    Assert.Equal(Distribution.FromJson(djson), t.Distributions[name]);
                    Assert.Equal(djson, t.Distributions[name].ToJson()); // Optuna's exact distribution_json text
                }
                AssertSameJson(e.GetProperty("params"), t.Params.ToDictionary(p => p.Key, p => AttrJson.Normalize(p.Value)), where + " params");
                var inter = e.GetProperty("intermediate_values").EnumerateObject().ToDictionary(p => int.Parse(p.Name), p => Number(p.Value));
                Assert.Equal(inter.Keys.Order(), t.IntermediateValues.Keys);
                foreach (var (step, v) in inter) Assert.Equal(v, t.IntermediateValues[step]);
                AssertSameJson(e.GetProperty("user_attrs"), t.UserAttrs, where + " user_attrs");
                AssertSameJson(e.GetProperty("system_attrs"), t.SystemAttrs, where + " system_attrs");
            }
        }
    }

    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, _ => double.NaN }
        : e.GetDouble();

    private static void AssertSameJson(JsonElement expected, IReadOnlyDictionary<string, object?> actual, string what = "attrs")
    {
        var e = (Dictionary<string, object?>)AttrJson.Deserialize(expected.GetRawText())!;
        Assert.True(DeepEqual(e, actual), $"{what}: expected {expected.GetRawText()}, got {AttrJson.Serialize(actual.ToDictionary())}");
    }

    private static bool DeepEqual(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y)
            => x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var v) && DeepEqual(p.Value, v)),
        (object?[] x, object?[] y) => x.Length == y.Length && x.Zip(y).All(p => DeepEqual(p.First, p.Second)),
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        _ => Equals(a, b),
    };
}
