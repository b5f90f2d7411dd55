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
    /// <summary>Samplers `study optimize --sampler` can run (seed → sampler).</summary>
    private static readonly Dictionary<string, Func<ulong?, ISampler>> Samplers = new(StringComparer.Ordinal)
    {
        // Constant liar: other workers' running trials count as bad observations, so parallel workers spread out.
        ["tpe"] = seed => new TpeSampler(seed: seed, constantLiar: true),
        ["random"] = seed => new RandomSampler(seed),
        ["qmc"] = seed => new QmcSampler(seed: seed),
        ["cmaes"] = seed => new CmaEsSampler(seed: seed),
        ["gp"] = seed => new GPSampler(seed: seed),
    };

    /// <summary>Pruners `study optimize --pruner` can run.</summary>
    private static readonly Dictionary<string, Func<IPruner>> Pruners = new(StringComparer.Ordinal)
    {
        ["median"] = () => new MedianPruner(),
        ["none"] = () => new NopPruner(),
    };

    /// <summary>The `study` command with its subcommands.</summary>
    public static Command Create()
    {
        var storage = new Option<string>("--storage") { Description = "Storage URL: sqlite:///PATH, a file path, or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?pool_size=N]", Required = true };
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

        var nTrials = new Option<int?>("--n-trials") { Description = "Trials to run in this process (with --timeout, whichever ends first)" };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds after which this process starts no new trial" };
        var func = new Option<string>("--func", "--objective") { Description = "Built-in objective: " + string.Join(", ", StudyObjectives.Names), DefaultValueFactory = _ => "quadratic" };
        var samplerName = new Option<string>("--sampler") { Description = "Sampler: " + string.Join(", ", Samplers.Keys), DefaultValueFactory = _ => "tpe" };
        var prunerName = new Option<string>("--pruner") { Description = "Pruner: " + string.Join(", ", Pruners.Keys), DefaultValueFactory = _ => "median" };
        var budget = new Option<BudgetLevel>("--budget") { Description = "Size of mlp-fashion's training: tiny, quick or full", DefaultValueFactory = _ => BudgetLevel.Quick };
        var data = new Option<string?>("--data") { Description = "Folder holding the Fashion-MNIST files for mlp-fashion (default: OVERFIT_DATA, the user cache, /usr/share/datasets)" };
        var seed = new Option<ulong?>("--seed") { Description = "Sampler seed" };
        var heartbeat = new Option<double?>("--heartbeat") { Description = "Heartbeat interval in seconds; stale trials of dead workers are failed and retried" };
        var optimize = new Command("optimize", "Run trials of a built-in objective on a stored study (creates it when absent)")
            { storage, name, nTrials, timeout, func, samplerName, prunerName, budget, data, seed, heartbeat, json };
        optimize.SetAction(p => Guard(p, () =>
        {
            if (!Samplers.TryGetValue(p.GetValue(samplerName)!, out var sampler))
                throw new ArgumentException($"--sampler: expected one of {string.Join(", ", Samplers.Keys)}, got '{p.GetValue(samplerName)}'");
            if (!Pruners.TryGetValue(p.GetValue(prunerName)!, out var pruner))
                throw new ArgumentException($"--pruner: expected one of {string.Join(", ", Pruners.Keys)}, got '{p.GetValue(prunerName)}'");
            int? n = p.GetValue(nTrials);
            double? limit = p.GetValue(timeout);
            if (n is < 0) throw new ArgumentException($"--n-trials: expected a non-negative count, got {n}");
            if (limit is { } l && !(l > 0 && double.IsFinite(l))) throw new ArgumentException($"--timeout: expected a positive number of seconds, got {l}");
            if (n is null && limit is null) throw new ArgumentException("--n-trials or --timeout: expected at least one, got neither");
            var (f, dir) = StudyObjectives.Create(p.GetValue(func)!, p.GetValue(budget), p.GetValue(data), (int)(p.GetValue(seed) ?? 0), p.InvocationConfiguration.Error);
            TimeSpan? beat = p.GetValue(heartbeat) is { } sec ? TimeSpan.FromSeconds(sec) : null;
            using var s = new RdbStorage(p.GetValue(storage)!, beat, failedTrialCallback: beat is null ? null : new RetryFailedTrialCallback(maxRetry: 3).Invoke);
            var study = Study.Create(p.GetValue(name), s, sampler(p.GetValue(seed)), pruner(), dir, loadIfExists: true);
            study.Optimize(f, nTrials: n, timeout: limit is { } t ? TimeSpan.FromSeconds(t) : null);
            var best = study.GetTrials([TrialState.Complete]).Count > 0 ? study.BestTrial : null;
            Write(p, p.GetValue(json), new { study = study.StudyName, n_trials = s.GetNTrials(study.StudyId), best_value = best?.Value, best_params = best?.Params },
                best is null ? $"study '{study.StudyName}': {s.GetNTrials(study.StudyId)} trials, none complete"
                    : $"study '{study.StudyName}': {s.GetNTrials(study.StudyId)} trials, best value {best.Value?.ToString("R", CultureInfo.InvariantCulture)} at trial {best.Number}");
        }));

        var show = new Command("show", "Print a study's trials") { storage, name, json };
        show.SetAction(p => Guard(p, () =>
        {
            using var s = new RdbStorage(p.GetValue(storage)!);
            var study = Study.Load(p.GetValue(name)!, s);
            var trials = study.Trials;
            // The best trial is defined for one objective only; several objectives have a Pareto front instead.
            var best = study.Directions.Count == 1 && trials.Any(t => t.State == TrialState.Complete) ? study.BestTrial : null;
            if (p.GetValue(json))
            {
                p.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    study = study.StudyName,
                    directions = study.Directions.Select(d => d.ToString()),
                    n_trials = trials.Count,
                    states = trials.GroupBy(t => t.State).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString().ToUpperInvariant(), g => g.Count()),
                    best_value = best?.Value,
                    best_params = best?.Params,
                    trials = trials.Select(t => new { number = t.Number, state = t.State.ToString(), values = t.Values, @params = t.Params }),
                }));
                return;
            }
            var o = p.InvocationConfiguration.Output;
            o.WriteLine($"study '{study.StudyName}' ({string.Join(", ", study.Directions)}), {trials.Count} trials");
            if (best is not null)
                o.WriteLine($"best trial {best.Number}: value {best.Value?.ToString("R", CultureInfo.InvariantCulture)}, "
                    + string.Join(" ", best.Params.Select(kv => $"{kv.Key}={Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}")));
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
