using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Overfit.Cli.Infrastructure;
using Overfit.Tuning;

namespace Overfit.Cli.Commands;

/// <summary>
/// `overfit study create|optimize|show|export|delete|list`: studies in a persistent storage (sqlite:///PATH or a file
/// path) that several processes may optimize at once.
/// </summary>
internal static class StudyCommand
{
    /// <summary>Built-in objectives for `study optimize`, so workers need no user code.</summary>
    private static readonly Dictionary<string, Func<Trial, double>> Objectives = new(StringComparer.Ordinal)
    {
        // The quadratic bowl of Optuna's quickstart, with an integer second coordinate.
        ["quadratic"] = t => Math.Pow(t.SuggestFloat("x", -10, 10) - 2, 2) + Math.Pow(t.SuggestInt("y", -5, 5) + 1, 2),
    };

    public static Command Create()
    {
        var storage = new Option<string>("--storage") { Description = "Storage URL: sqlite:///PATH or a file path", Required = true };
        var name = new Option<string>("--study") { Description = "Study name", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var cmd = new Command("study", "Create, run, inspect and delete studies kept in a persistent storage");

        var direction = new Option<string>("--direction") { Description = "minimize or maximize", DefaultValueFactory = _ => "minimize" };
        var create = new Command("create", "Create an empty study") { storage, name, direction, json };
        create.SetAction(p => Guard(p, () =>
        {
            using var s = new RdbStorage(p.GetValue(storage)!);
            var study = Study.Create(p.GetValue(name), s, direction: ParseDirection(p.GetValue(direction)!));
            Write(p, p.GetValue(json), new { study = study.StudyName, study_id = study.StudyId }, $"created study '{study.StudyName}'");
        }));

        var nTrials = new Option<int>("--n-trials") { Description = "Trials to run in this process", Required = true };
        var objective = new Option<string>("--objective") { Description = "Built-in objective: " + string.Join(", ", Objectives.Keys), DefaultValueFactory = _ => "quadratic" };
        var seed = new Option<ulong?>("--seed") { Description = "Sampler seed" };
        var heartbeat = new Option<double?>("--heartbeat") { Description = "Heartbeat interval in seconds; stale trials of dead workers are failed and retried" };
        var optimize = new Command("optimize", "Run trials of a built-in objective on a stored study (creates it when absent)") { storage, name, nTrials, objective, seed, heartbeat, json };
        optimize.SetAction(p => Guard(p, () =>
        {
            string obj = p.GetValue(objective)!;
            if (!Objectives.TryGetValue(obj, out var f))
                throw new ArgumentException($"--objective: expected one of {string.Join(", ", Objectives.Keys)}, got '{obj}'");
            int n = p.GetValue(nTrials);
            if (n < 0) throw new ArgumentException($"--n-trials: expected a non-negative count, got {n}");
            TimeSpan? beat = p.GetValue(heartbeat) is { } sec ? TimeSpan.FromSeconds(sec) : null;
            using var s = new RdbStorage(p.GetValue(storage)!, beat, failedTrialCallback: beat is null ? null : new RetryFailedTrialCallback(maxRetry: 3).Invoke);
            var study = Study.Create(p.GetValue(name), s, new TpeSampler(seed: p.GetValue(seed)), loadIfExists: true);
            study.Optimize(f, nTrials: n);
            var best = study.BestTrial;
            Write(p, p.GetValue(json), new { study = study.StudyName, n_trials = s.GetNTrials(study.StudyId), best_value = best.Value, best_params = best.Params },
                $"study '{study.StudyName}': {s.GetNTrials(study.StudyId)} trials, best value {best.Value?.ToString("R", CultureInfo.InvariantCulture)} at trial {best.Number}");
        }));

        var show = new Command("show", "Print a study's trials") { storage, name, json };
        show.SetAction(p => Guard(p, () =>
        {
            using var s = new RdbStorage(p.GetValue(storage)!);
            var study = Study.Load(p.GetValue(name)!, s);
            var trials = study.Trials;
            if (p.GetValue(json))
            {
                p.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    study = study.StudyName,
                    directions = study.Directions.Select(d => d.ToString()),
                    trials = trials.Select(t => new { number = t.Number, state = t.State.ToString(), values = t.Values, @params = t.Params }),
                }));
                return;
            }
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"study '{study.StudyName}' ({string.Join(", ", study.Directions)}), {trials.Count} trials");
            foreach (var t in trials)
                o.WriteLine($"  {t.Number,5}  {t.State,-8}  {(t.Values is null ? "-" : string.Join(", ", t.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))}  "
                    + string.Join(" ", t.Params.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}")));
        }));

        var output = new Option<string?>("--output") { Description = "CSV file to write (standard output when absent)" };
        var export = new Command("export", "Write a study's trials as CSV") { storage, name, output };
        export.SetAction(p => Guard(p, () =>
        {
            using var s = new RdbStorage(p.GetValue(storage)!);
            var study = Study.Load(p.GetValue(name)!, s);
            if (p.GetValue(output) is { } path) study.SaveTrialsCsv(path);
            else study.WriteTrialsCsv(p.InvocationConfiguration.Output);
        }));

        var delete = new Command("delete", "Delete a study and its trials") { storage, name, json };
        delete.SetAction(p => Guard(p, () =>
        {
            using var s = new RdbStorage(p.GetValue(storage)!);
            Study.Delete(p.GetValue(name)!, s);
            Write(p, p.GetValue(json), new { deleted = p.GetValue(name) }, $"deleted study '{p.GetValue(name)}'");
        }));

        var list = new Command("list", "List the studies in a storage") { storage, json };
        list.SetAction(p => Guard(p, () =>
        {
            using var s = new RdbStorage(p.GetValue(storage)!);
            var studies = s.GetAllStudies().Select(x => new { study = x.StudyName, study_id = x.StudyId, n_trials = s.GetNTrials(x.StudyId), directions = x.Directions.Select(d => d.ToString()) }).ToArray();
            if (p.GetValue(json)) { p.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(studies)); return; }
            foreach (var x in studies) p.InvocationConfiguration.Output.WriteLine($"{x.study}\t{x.n_trials} trials\t{string.Join(",", x.directions)}");
        }));

        foreach (var sub in new[] { create, optimize, show, export, delete, list }) cmd.Subcommands.Add(sub);
        return cmd;
    }

    private static int Guard(ParseResult p, Action action) => CommandGuard.Run(p.InvocationConfiguration.Error, () => { action(); return 0; });

    private static void Write(ParseResult p, bool json, object payload, string text)
        => p.InvocationConfiguration.Output.WriteLine(json ? JsonSerializer.Serialize(payload) : text);

    private static StudyDirection ParseDirection(string s) => s.ToLowerInvariant() switch
    {
        "minimize" => StudyDirection.Minimize,
        "maximize" => StudyDirection.Maximize,
        _ => throw new ArgumentException($"--direction: expected minimize or maximize, got '{s}'"),
    };
}
