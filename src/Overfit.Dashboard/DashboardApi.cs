using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Overfit.Tuning;

namespace Overfit.Dashboard;

/// <summary>
/// The JSON API under <c>/api/</c>. Reads go through <see cref="StudyCache"/>, so they are read transactions on the
/// storage that fetch only trials that can have changed; writes (notes, deleting a study) need
/// <see cref="DashboardOptions.AllowWrites"/>.
/// </summary>
internal sealed partial class DashboardApi(IStorage storage, DashboardOptions options)
{
    private const string Json = "application/json; charset=utf-8";
    private readonly ConcurrentDictionary<int, StudyCache> _caches = new();
    private readonly ConcurrentDictionary<(int Study, string Evaluator, int Objective), (long Update, byte[] Json)> _importance = new();
    private readonly ConcurrentDictionary<(int Study, string Evaluator, int Objective), object> _importanceGates = new();

    public void Map(IEndpointRouteBuilder e)
    {
        e.MapGet("/api/studies", Studies);
        e.MapGet("/api/studies/{id:int}/trials", (int id, long? since) => Guard(() => Trials(id, since ?? 0)));
        e.MapGet("/api/studies/{id:int}/importance", (int id, string? evaluator, int? objective) =>
            Guard(() => Importance(id, evaluator ?? "fanova", objective ?? 0)));
        e.MapGet("/api/studies/{id:int}/pareto", (int id) => Guard(() => Pareto(id)));
        e.MapGet("/api/studies/{id:int}/trials.csv", (int id) => Guard(() => Csv(id)));
        e.MapPut("/api/studies/{id:int}/note", async (int id, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            string note = await reader.ReadToEndAsync();
            return Guard(() => Write(() => storage.SetStudySystemAttr(id, "dashboard:note", note), new { study_id = id, note }));
        });
        e.MapDelete("/api/studies/{id:int}", (int id) => Guard(() => Write(() =>
        {
            storage.DeleteStudy(id);
            _caches.TryRemove(id, out _);
        }, new { deleted = id })));
    }

    private StudyCache Cache(int id) => _caches.GetOrAdd(id, i => new StudyCache(storage, i));

    /// <summary>Turns the storage's "no such study" and bad arguments into 404 and 400 with a JSON error.</summary>
    private static IResult Guard(Func<IResult> body)
    {
        try { return body(); }
        catch (KeyNotFoundException e) { return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status404NotFound); }
        catch (ArgumentException e) { return Results.Json(new { error = e.Message }, statusCode: StatusCodes.Status400BadRequest); }
    }

    private IResult Write(Action change, object reply)
    {
        if (!options.AllowWrites)
            return Results.Json(new { error = "this dashboard is read-only; start it with --allow-writes to change studies" }, statusCode: StatusCodes.Status403Forbidden);
        change();
        return Results.Json(reply);
    }

    /// <summary><c>GET /api/studies</c>: name, directions, trials by state, best value and last update of every study.</summary>
    private IResult Studies()
    {
        var studies = storage.GetAllStudies();
        foreach (int gone in _caches.Keys.Except(studies.Select(s => s.StudyId))) _caches.TryRemove(gone, out _);
        return Bytes(w =>
        {
            w.WriteStartArray();
            foreach (var s in studies)
            {
                StudyCache.Snapshot snap;
                try { snap = Cache(s.StudyId).Refresh(); }
                catch (KeyNotFoundException) { continue; } // deleted between the listing and the read
                w.WriteStartObject();
                w.WriteNumber("study_id", s.StudyId);
                w.WriteString("name", s.StudyName);
                WriteDirections(w, s.Directions);
                WriteSummary(w, snap, s.Directions);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static void WriteDirections(Utf8JsonWriter w, IReadOnlyList<StudyDirection> directions)
    {
        w.WriteString("direction", directions.Count == 1 ? directions[0].ToString().ToLowerInvariant() : "multi-objective");
        w.WriteStartArray("directions");
        foreach (var d in directions) w.WriteStringValue(d.ToString().ToLowerInvariant());
        w.WriteEndArray();
    }

    private static void WriteSummary(Utf8JsonWriter w, StudyCache.Snapshot snap, IReadOnlyList<StudyDirection> directions)
    {
        w.WriteNumber("n_trials", snap.Entries.Count);
        w.WriteStartObject("states");
        foreach (var g in snap.Entries.GroupBy(e => e.Trial.State).OrderBy(g => g.Key))
            w.WriteNumber(TrialJson.StateName(g.Key), g.Count());
        w.WriteEndObject();
        w.WritePropertyName("best_value");
        double? best = null;
        if (directions.Count == 1)
            foreach (var e in snap.Entries)
                if (e.Trial.State == TrialState.Complete && e.Trial.Values is [var v]
                    && (best is null || (directions[0] == StudyDirection.Maximize ? v > best : v < best)))
                    best = v;
        if (best is { } b) TrialJson.Number(w, b); else w.WriteNullValue();
        DateTime? last = null;
        foreach (var e in snap.Entries)
            foreach (var d in new[] { e.Trial.DatetimeStart, e.Trial.DatetimeComplete })
                if (d > last || (last is null && d is not null)) last = d;
        if (last is { } l) w.WriteString("last_update", l.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture));
        else w.WriteNull("last_update");
    }

    private static IResult Bytes(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 12);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Results.Bytes(buffer.WrittenMemory, Json);
    }
}
