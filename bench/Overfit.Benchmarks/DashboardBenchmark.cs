using System.Diagnostics;
using System.Globalization;
using Overfit.Dashboard;
using Overfit.Tuning;

namespace Overfit.Benchmarks;

/// <summary>
/// `dashboard [--trials 10000] [--new 10] [--db PATH] [--anchor] [--browser [--browser-runs 3]] [--importance] --json`: a study of N completed trials (two float
/// parameters, one int, three intermediate values each) in a SQLite file, served by the dashboard on a loopback port
/// and fetched over HTTP as a page does: the first (cold) full trial list, the warm full list (median of 20), then
/// the incremental refresh after --new trials were added, with its payload next to the full one. With --anchor,
/// Optuna 3.1 (Debian's python3-optuna) reads the same file: load_study + get_trials cold and warm. With --importance,
/// the importance API's first (uncached) PED-ANOVA and fANOVA replies and how many trials each used; with --browser,
/// the study page in headless chromium as well (DashboardBenchmark.Browser.cs).
/// </summary>
public static partial class DashboardBenchmark
{
    public static int Run(string[] args)
    {
        int trials = 10_000, added = 10;
        string? db = null;
        bool json = false, anchor = false, browser = false, importance = false;
        int browserRuns = 3;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--trials": trials = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--new": added = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--db": db = BenchOptions.Next(args, ref i); break;
                case "--json": json = true; break;
                case "--anchor": anchor = true; break;
                case "--browser": browser = true; break;
                case "--browser-runs": browserRuns = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--importance": importance = true; break;
                default: Console.Error.WriteLine($"dashboard: unknown argument '{args[i]}'"); return 2;
            }
        }
        if (browserRuns < 1) { Console.Error.WriteLine($"dashboard: --browser-runs must be >= 1, got {browserRuns}"); return 2; }
        db ??= Path.Combine(Path.GetTempPath(), $"overfit-dashboard-bench-{trials}-timed.db");
        using var storage = new RdbStorage("sqlite:///" + db);
        var study = Study.Create("bench", storage, new RandomSampler(seed: 0), loadIfExists: true);
        if (study.Trials.Count < trials)
        {
            var sw = Stopwatch.StartNew();
            Fill(study, trials - study.Trials.Count);
            Console.Error.WriteLine($"dashboard: wrote {trials} trials to {db} in {sw.Elapsed.TotalSeconds:F1} s (reused on the next run)");
        }
        int before = study.Trials.Count;
        var app = DashboardApp.Create(storage, port: 0);
        app.StartAsync().GetAwaiter().GetResult();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(DashboardApp.ListeningUrls(app)[0]) };
            string url = $"/api/studies/{study.StudyId}/trials";
            var (coldMs, fullBytes, update) = Fetch(http, url + "?since=0");
            var warm = new List<double>();
            for (int k = 0; k < 20; k++) warm.Add(Fetch(http, url + "?since=0").Ms);
            warm.Sort();
            var (idleMs, idleBytes, _) = Fetch(http, $"{url}?since={update}");
            Fill(study, added);
            var (incMs, incBytes, _) = Fetch(http, $"{url}?since={update}");
            Emit("{" + string.Join(",",
                "\"bench\":\"dashboard\"", "\"impl\":\"overfit\"", $"\"trials\":{before}",
                F("cold_ms", coldMs), F("warm_ms", warm[warm.Count / 2]), $"\"full_bytes\":{fullBytes}",
                F("unchanged_refresh_ms", idleMs), $"\"unchanged_refresh_bytes\":{idleBytes}",
                $"\"new_trials\":{added}", F("incremental_ms", incMs), $"\"incremental_bytes\":{incBytes}") + "}", json);
            if (importance) Emit(ImportanceTimings(http, study.StudyId), json);
            if (browser && BrowserTimings(DashboardApp.ListeningUrls(app)[0].TrimEnd('/'), study, added, browserRuns) is { } line) Emit(line, json);
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
        }
        if (anchor) RunAnchor(db, json);
        return 0;
    }

    private static string ImportanceTimings(HttpClient http, int studyId)
    {
        var fields = new List<string> { "\"bench\":\"dashboard-importance\"", "\"impl\":\"overfit\"" };
        foreach (string ev in new[] { "ped-anova", "fanova" })
        {
            var sw = Stopwatch.StartNew();
            byte[] body = http.GetByteArrayAsync($"/api/studies/{studyId}/importance?evaluator={ev}").GetAwaiter().GetResult();
            double ms = sw.Elapsed.TotalMilliseconds;
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            var r = doc.RootElement;
            string key = ev.Replace("-", "_", StringComparison.Ordinal);
            fields.Add(F(key + "_ms", ms));
            fields.Add($"\"{key}_trials_used\":{r.GetProperty("trials_used").GetInt32()}");
            fields.Add($"\"{key}_trials_total\":{r.GetProperty("trials_total").GetInt32()}");
        }
        return "{" + string.Join(",", fields) + "}";
    }

    private static string F(string name, double v) => FormattableString.Invariant($"\"{name}\":{v:F2}");

    private static void Emit(string line, bool json) => Console.WriteLine(json ? line : line.Replace(",", ", "));

    /// <summary>
    /// Completed trials with the shape a tuned model leaves (two floats, an int, three intermediate values), each added
    /// whole in one write (Optuna's add_trial) so a 10,000-trial file is written in seconds, not minutes.
    /// </summary>
    private static void Fill(Study study, int n)
    {
        var rng = new Random(study.Trials.Count);
        var lrDist = new FloatDistribution(1e-5, 1e-1, log: true);
        var dropoutDist = new FloatDistribution(0, 0.5);
        var widthDist = new IntDistribution(16, 512);
        // Two trials overlap at any time (a trial every 0.5 s, each 1 s long), as two workers leave them; the last ends now.
        var first = DateTime.Now.AddSeconds(-0.5 * n - 1);
        for (int i = 0; i < n; i++)
        {
            var now = first.AddSeconds(0.5 * i);
            double lr = Math.Exp(Math.Log(1e-5) + rng.NextDouble() * Math.Log(1e4)), dropout = rng.NextDouble() * 0.5;
            int width = rng.Next(16, 513);
            double v = Math.Log10(lr) * Math.Log10(lr) / 10 + dropout + 1.0 / width;
            study.AddTrial(new FrozenTrial
            {
                Number = 0,
                TrialId = 0,
                State = TrialState.Complete,
                Values = [v],
                DatetimeStart = now,
                DatetimeComplete = now.AddSeconds(1),
                InternalParams = System.Collections.Immutable.ImmutableDictionary<string, double>.Empty
                    .Add("lr", lr).Add("dropout", dropout).Add("width", width),
                Distributions = System.Collections.Immutable.ImmutableDictionary<string, Distribution>.Empty
                    .Add("lr", lrDist).Add("dropout", dropoutDist).Add("width", widthDist),
                IntermediateValues = System.Collections.Immutable.ImmutableSortedDictionary<int, double>.Empty
                    .Add(0, v + 1).Add(1, v + 0.5).Add(2, v + 1.0 / 3),
            });
        }
    }

    private static (double Ms, long Bytes, long Update) Fetch(HttpClient http, string url)
    {
        var sw = Stopwatch.StartNew();
        byte[] body = http.GetByteArrayAsync(url).GetAwaiter().GetResult();
        double ms = sw.Elapsed.TotalMilliseconds;
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        return (ms, body.LongLength, doc.RootElement.GetProperty("update").GetInt64());
    }

    // Optuna's cached RDB storage keeps finished trials after the first read, like the dashboard's cache.
    private const string AnchorScript = """
import json, sys, time, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
url = "sqlite:///" + sys.argv[1]
t0 = time.perf_counter(); study = optuna.load_study(study_name="bench", storage=url); trials = study.get_trials(deepcopy=False); cold = time.perf_counter() - t0
warm = []
for _ in range(20):
    t0 = time.perf_counter(); study.get_trials(deepcopy=False); warm.append(time.perf_counter() - t0)
warm.sort()
print(json.dumps({"anchor": "optuna", "bench": "dashboard", "impl": "optuna-" + optuna.__version__, "trials": len(trials),
                  "cold_ms": round(cold * 1e3, 2), "warm_ms": round(warm[len(warm) // 2] * 1e3, 2)}, separators=(",", ":")))
""";

    private static void RunAnchor(string db, bool json)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", AnchorScript, db]) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        Console.Error.WriteLine("anchor: /usr/bin/python3 -c <optuna load_study + get_trials> " + db);
        try
        {
            using var proc = Process.Start(psi)!;
            string output = proc.StandardOutput.ReadToEnd();
            proc.WaitForExit();
            foreach (var l in output.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Emit(l, json);
            if (proc.ExitCode != 0) Console.Error.WriteLine($"anchor exited with {proc.ExitCode} (is python3-optuna installed?)");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"anchor skipped: /usr/bin/python3 could not start ({e.Message})");
        }
    }
}
