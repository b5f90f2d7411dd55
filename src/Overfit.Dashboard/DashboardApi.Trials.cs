using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Overfit.Tensors;
using Overfit.Tuning;

namespace Overfit.Dashboard;

internal sealed partial class DashboardApi
{
    /// <summary>
    /// <c>GET /api/studies/{id}/trials?since=U</c>: the study's header and the trials that changed after update
    /// <c>U</c> (all of them for 0), with the new <c>update</c> to pass next time.
    /// </summary>
    private IResult Trials(int id, long since)
    {
        if (since < 0) throw new ArgumentException($"since: expected an update number of at least 0, got {since}", nameof(since));
        var snap = Cache(id).Refresh();
        string name = storage.GetStudyNameFromId(id);
        var directions = storage.GetStudyDirections(id);
        var attrs = storage.GetStudySystemAttrs(id);
        return Bytes(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("study_id", id);
            w.WriteString("name", name);
            WriteDirections(w, directions);
            w.WriteNumber("update", snap.Update);
            w.WriteNumber("since", since);
            w.WriteBoolean("allow_writes", options.AllowWrites);
            w.WritePropertyName("note");
            if (attrs.TryGetValue("dashboard:note", out var note) && note is string text) w.WriteStringValue(text); else w.WriteNullValue();
            WriteSummary(w, snap, directions);
            w.WriteStartObject("distributions");
            foreach (var (param, json) in snap.Distributions)
            {
                w.WritePropertyName(param);
                w.WriteRawValue(json, skipInputValidation: true);
            }
            w.WriteEndObject();
            w.WriteStartArray("trials");
            foreach (var e in snap.Entries)
                if (e.Update > since) w.WriteRawValue(e.Json, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>GET /api/studies/{id}/importance?evaluator=fanova|ped-anova&amp;objective=K</c>: normalized importances, largest
    /// first, remembered until the study changes, with <c>trials_used</c> of <c>trials_total</c> completed trials and the
    /// <c>subsample_seed</c> (null when every trial was used; fANOVA subsamples above
    /// <see cref="DashboardOptions.FanovaMaxTrials"/>). A study that cannot be scored yet (fewer than two completed
    /// trials) answers with <c>importances: null</c> and the reason.
    /// </summary>
    private IResult Importance(int id, string evaluator, int objective)
    {
        IImportanceEvaluator ev = evaluator switch
        {
            "fanova" => new FanovaImportanceEvaluator(nTrees: options.FanovaTrees),
            "ped-anova" => new PedAnovaImportanceEvaluator(),
            _ => throw new ArgumentException($"evaluator: expected fanova or ped-anova, got '{evaluator}'", nameof(evaluator)),
        };
        var directions = storage.GetStudyDirections(id);
        if (objective < 0 || objective >= directions.Count)
            throw new ArgumentException($"objective: expected 0..{directions.Count - 1}, got {objective}", nameof(objective));
        var snap = Cache(id).Refresh();
        var key = (id, evaluator, objective);
        if (_importance.TryGetValue(key, out var hit) && hit.Update == snap.Update) return Results.Bytes(hit.Json, Json);
        // One computation per study and evaluator at a time: a second page waits for the first's result.
        lock (_importanceGates.GetOrAdd(key, _ => new object()))
        {
            if (_importance.TryGetValue(key, out hit) && hit.Update == snap.Update) return Results.Bytes(hit.Json, Json);
            return ComputeImportance(key, snap, directions, ev);
        }
    }

    private IResult ComputeImportance((int Study, string Evaluator, int Objective) key, StudyCache.Snapshot snap, IReadOnlyList<StudyDirection> directions, IImportanceEvaluator ev)
    {
        var (id, evaluator, objective) = key;
        // The evaluators read the study's completed trials several times; they read them from the snapshot in memory.
        var completed = snap.Entries.Select(e => e.Trial).Where(t => t.State == TrialState.Complete).ToArray();
        var used = evaluator == "fanova" ? Subsample(completed, options.FanovaMaxTrials, options.FanovaSubsampleSeed) : completed;
        var copy = new InMemoryStorage();
        int copyId = copy.CreateNewStudy(directions, storage.GetStudyNameFromId(id));
        foreach (var t in used) copy.CreateNewTrial(copyId, t);
        var study = Study.Load(copy.GetStudyNameFromId(copyId), copy);
        IReadOnlyDictionary<string, double>? result = null;
        string? reason = null;
        try { result = Overfit.Tuning.Importance.Get(study, ev, target: directions.Count == 1 ? null : t => t.Values![objective]); }
        catch (ArgumentException e) { reason = e.Message; }
        var sample = new SampleNote(used.Count, completed.Length, used.Count < completed.Length ? options.FanovaSubsampleSeed : null);
        byte[] json = ImportanceBytes(result, reason, evaluator, objective, sample);
        _importance[key] = (snap.Update, json);
        return Results.Bytes(json, Json);
    }

    /// <summary>How many completed trials an importance was computed on, of how many, and the subsample's seed (null: all).</summary>
    private readonly record struct SampleNote(int Used, int Total, ulong? Seed);

    /// <summary>
    /// At most <paramref name="max"/> of the trials, chosen uniformly by a seeded permutation and kept in number order:
    /// the same study and seed give the same subsample, so its importances do not flicker between refreshes.
    /// </summary>
    internal static IReadOnlyList<FrozenTrial> Subsample(IReadOnlyList<FrozenTrial> trials, int max, ulong seed)
    {
        if (trials.Count <= max) return trials;
        var pick = new Generator(seed).Permutation(trials.Count).AsSpan(0, max).ToArray();
        Array.Sort(pick);
        return pick.Select(i => trials[i]).ToArray();
    }

    private static byte[] ImportanceBytes(IReadOnlyDictionary<string, double>? result, string? reason, string evaluator, int objective, SampleNote sample)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("evaluator", evaluator);
            w.WriteNumber("objective", objective);
            w.WritePropertyName("importances");
            if (result is null) w.WriteNullValue();
            else
            {
                w.WriteStartObject();
                foreach (var (param, v) in result) { w.WritePropertyName(param); TrialJson.Number(w, v); }
                w.WriteEndObject();
            }
            if (reason is null) w.WriteNull("reason"); else w.WriteString("reason", reason);
            w.WriteNumber("trials_used", sample.Used);
            w.WriteNumber("trials_total", sample.Total);
            if (sample.Seed is { } seed) w.WriteNumber("subsample_seed", seed); else w.WriteNull("subsample_seed");
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>GET /api/studies/{id}/pareto</c>: the numbers of the completed trials no other completed trial dominates.</summary>
    private IResult Pareto(int id)
    {
        var directions = storage.GetStudyDirections(id);
        var complete = Cache(id).Refresh().Entries.Select(e => e.Trial).Where(t => t.State == TrialState.Complete && t.Values is not null).ToArray();
        var front = ParetoFront.Of(complete, directions);
        return Results.Json(new { numbers = front.Select(t => t.Number).Order().ToArray() });
    }

    /// <summary><c>GET /api/studies/{id}/trials.csv</c>: the trials as Optuna's trials_dataframe columns (<see cref="Study.WriteTrialsCsv"/>).</summary>
    private IResult Csv(int id)
    {
        var study = Study.Load(storage.GetStudyNameFromId(id), storage);
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        study.WriteTrialsCsv(text);
        string file = string.Concat(study.StudyName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".csv";
        return Results.File(System.Text.Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", file);
    }
}
