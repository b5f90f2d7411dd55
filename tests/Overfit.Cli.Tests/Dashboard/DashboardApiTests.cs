using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Dashboard;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Dashboard;

/// <summary>The dashboard's JSON API on an in-process test server, over in-memory and SQLite storages.</summary>
public sealed class DashboardApiTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    internal static async Task<(WebApplication App, HttpClient Client)> Serve(IStorage storage, DashboardOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        app.MapDashboard(storage, options);
        await app.StartAsync();
        return (app, app.GetTestClient());
    }

    private static async Task<JsonElement> Get(HttpClient client, string url)
    {
        var r = await client.GetAsync(url);
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{url}: {(int)r.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private IStorage Storage(string kind) => kind == "sqlite" ? new RdbStorage("sqlite:///" + _tmp.Sub("api.db")) : new InMemoryStorage();

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task StudyListSummarizesEveryStudy(string kind)
    {
        var storage = Storage(kind);
        var single = DashboardSeed.SingleObjective(storage);
        DashboardSeed.MultiObjective(storage);
        var (app, client) = await Serve(storage);
        await using var _ = app;
        var studies = await Get(client, "/api/studies");
        Assert.Equal(2, studies.GetArrayLength());
        var s = studies.EnumerateArray().Single(x => x.GetProperty("name").GetString() == "single");
        Assert.Equal("minimize", s.GetProperty("direction").GetString());
        Assert.Equal(16, s.GetProperty("n_trials").GetInt32());
        Assert.Equal(8, s.GetProperty("states").GetProperty("COMPLETE").GetInt32());
        Assert.Equal(4, s.GetProperty("states").GetProperty("PRUNED").GetInt32());
        Assert.Equal(4, s.GetProperty("states").GetProperty("FAIL").GetInt32());
        Assert.Equal(single.BestValue, s.GetProperty("best_value").GetDouble());
        var m = studies.EnumerateArray().Single(x => x.GetProperty("name").GetString() == "multi");
        Assert.Equal(JsonValueKind.Null, m.GetProperty("best_value").ValueKind);
        Assert.Equal(["minimize", "minimize"], m.GetProperty("directions").EnumerateArray().Select(d => d.GetString()!));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task TrialsSinceAnUpdateAreOnlyTheChangedOnes(string kind)
    {
        var storage = Storage(kind);
        var study = DashboardSeed.SingleObjective(storage);
        var (app, client) = await Serve(storage);
        await using var _ = app;
        var all = await Get(client, $"/api/studies/{study.StudyId}/trials?since=0");
        Assert.Equal(16, all.GetProperty("trials").GetArrayLength());
        var first = all.GetProperty("trials")[0];
        var stored = study.Trials[0];
        Assert.Equal(stored.Values![0], first.GetProperty("values")[0].GetDouble());
        Assert.Equal((double)stored.Params["x"]!, first.GetProperty("params").GetProperty("x").GetDouble());
        Assert.Equal(3, first.GetProperty("intermediate").GetArrayLength());
        Assert.Equal(0, first.GetProperty("user_attrs").GetProperty("fold").GetInt32());
        Assert.Equal("CategoricalDistribution", all.GetProperty("distributions").GetProperty("c").GetProperty("name").GetString());
        long update = all.GetProperty("update").GetInt64();

        var none = await Get(client, $"/api/studies/{study.StudyId}/trials?since={update}");
        Assert.Equal(0, none.GetProperty("trials").GetArrayLength());
        Assert.Equal(update, none.GetProperty("update").GetInt64());

        var running = study.Ask();
        running.SuggestFloat("x", -4, 4);
        var added = await Get(client, $"/api/studies/{study.StudyId}/trials?since={update}");
        Assert.Equal([16], added.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()));
        Assert.Equal("RUNNING", added.GetProperty("trials")[0].GetProperty("state").GetString());
        update = added.GetProperty("update").GetInt64();

        running.Report(2.5, 0);
        var reported = await Get(client, $"/api/studies/{study.StudyId}/trials?since={update}");
        Assert.Single(reported.GetProperty("trials").EnumerateArray());
        Assert.Equal(1, reported.GetProperty("trials")[0].GetProperty("intermediate").GetArrayLength());
        update = reported.GetProperty("update").GetInt64();

        study.Tell(running, 1.25);
        var told = await Get(client, $"/api/studies/{study.StudyId}/trials?since={update}");
        var t16 = Assert.Single(told.GetProperty("trials").EnumerateArray());
        Assert.Equal("COMPLETE", t16.GetProperty("state").GetString());
        Assert.Equal(1.25, t16.GetProperty("values")[0].GetDouble());
        Assert.Equal(17, told.GetProperty("n_trials").GetInt32());
        // A page that missed two updates still gets both changes from its older update number.
        Assert.Equal(17, (await Get(client, $"/api/studies/{study.StudyId}/trials?since=0")).GetProperty("trials").GetArrayLength());
    }

    [Fact]
    public async Task ImportanceParetoAndCsvMatchTheTuningLayer()
    {
        var storage = new InMemoryStorage();
        var single = DashboardSeed.SingleObjective(storage);
        var multi = DashboardSeed.MultiObjective(storage);
        var (app, client) = await Serve(storage);
        await using var _ = app;
        var fanova = await Get(client, $"/api/studies/{single.StudyId}/importance?evaluator=fanova");
        var expected = Importance.Get(single, new FanovaImportanceEvaluator());
        Assert.Equal(expected.Keys, fanova.GetProperty("importances").EnumerateObject().Select(p => p.Name));
        foreach (var p in fanova.GetProperty("importances").EnumerateObject()) Assert.Equal(expected[p.Name], p.Value.GetDouble(), 12);
        var ped = await Get(client, $"/api/studies/{single.StudyId}/importance?evaluator=ped-anova");
        var expectedPed = Importance.Get(single, new PedAnovaImportanceEvaluator());
        foreach (var p in ped.GetProperty("importances").EnumerateObject()) Assert.Equal(expectedPed[p.Name], p.Value.GetDouble(), 12);
        var second = await Get(client, $"/api/studies/{multi.StudyId}/importance?evaluator=fanova&objective=1");
        var expectedSecond = Importance.Get(multi, new FanovaImportanceEvaluator(), target: t => t.Values![1]);
        foreach (var p in second.GetProperty("importances").EnumerateObject()) Assert.Equal(expectedSecond[p.Name], p.Value.GetDouble(), 12);

        var pareto = await Get(client, $"/api/studies/{multi.StudyId}/pareto");
        Assert.Equal(multi.BestTrials.Select(t => t.Number).Order(), pareto.GetProperty("numbers").EnumerateArray().Select(n => n.GetInt32()));

        var csv = await client.GetAsync($"/api/studies/{single.StudyId}/trials.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        using var expectedCsv = new StringWriter();
        single.WriteTrialsCsv(expectedCsv);
        Assert.Equal(expectedCsv.ToString(), await csv.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FanovaAboveItsLimitScoresASeededSubsampleAndSaysSo()
    {
        var storage = new InMemoryStorage();
        var single = DashboardSeed.SingleObjective(storage); // 8 completed trials
        var (app, client) = await Serve(storage, new DashboardOptions { FanovaMaxTrials = 5, FanovaSubsampleSeed = 3 });
        await using var _ = app;
        var reply = await Get(client, $"/api/studies/{single.StudyId}/importance?evaluator=fanova");
        Assert.Equal(5, reply.GetProperty("trials_used").GetInt32());
        Assert.Equal(8, reply.GetProperty("trials_total").GetInt32());
        Assert.Equal(3UL, reply.GetProperty("subsample_seed").GetUInt64());
        // The subsample is the documented one: 5 of the completed trials picked by the seed-3 permutation, in number order.
        var completed = single.GetTrials([TrialState.Complete]);
        var picked = DashboardApi.Subsample(completed, 5, 3);
        Assert.Equal(picked.Select(t => t.Number).Order(), picked.Select(t => t.Number));
        Assert.Equal(5, picked.Select(t => t.Number).Distinct().Intersect(completed.Select(t => t.Number)).Count());
        var copy = new InMemoryStorage();
        var sub = Study.Create("sub", copy);
        foreach (var t in picked) sub.AddTrial(t);
        var expected = Importance.Get(sub, new FanovaImportanceEvaluator());
        foreach (var p in reply.GetProperty("importances").EnumerateObject()) Assert.Equal(expected[p.Name], p.Value.GetDouble(), 12);
        Assert.Equal(picked, DashboardApi.Subsample(completed, 5, 3)); // same seed, same trials
        Assert.NotEqual(picked.Select(t => t.Number), DashboardApi.Subsample(completed, 5, 4).Select(t => t.Number));

        // PED-ANOVA uses every completed trial, and so does fANOVA within its limit.
        var ped = await Get(client, $"/api/studies/{single.StudyId}/importance?evaluator=ped-anova");
        Assert.Equal(8, ped.GetProperty("trials_used").GetInt32());
        Assert.Equal(JsonValueKind.Null, ped.GetProperty("subsample_seed").ValueKind);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DashboardOptions { FanovaMaxTrials = 1 });
    }

    [Fact]
    public async Task TooFewTrialsForImportanceIsAReasonNotAnError()
    {
        var storage = new InMemoryStorage();
        var study = Study.Create("empty", storage);
        var (app, client) = await Serve(storage);
        await using var _ = app;
        var reply = await Get(client, $"/api/studies/{study.StudyId}/importance");
        Assert.Equal(JsonValueKind.Null, reply.GetProperty("importances").ValueKind);
        Assert.Contains("no completed trial", reply.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task BadRequestsGetOneJsonError()
    {
        var storage = new InMemoryStorage();
        var study = DashboardSeed.SingleObjective(storage);
        var (app, client) = await Serve(storage);
        await using var _ = app;
        var missing = await client.GetAsync("/api/studies/99/trials");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("99", JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        var bad = await client.GetAsync($"/api/studies/{study.StudyId}/importance?evaluator=shap");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'shap'", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/studies/{study.StudyId}/trials?since=-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/static/nothing.js")).StatusCode);
    }

    [Fact]
    public async Task WritesNeedAllowWrites()
    {
        var storage = new InMemoryStorage();
        var study = DashboardSeed.SingleObjective(storage);
        var (app, client) = await Serve(storage);
        await using (app)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsync($"/api/studies/{study.StudyId}/note", new StringContent("hello"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/studies/{study.StudyId}")).StatusCode);
            Assert.Single(storage.GetAllStudies());
        }
        var (writable, writer) = await Serve(storage, new DashboardOptions { AllowWrites = true });
        await using (writable)
        {
            Assert.Equal(HttpStatusCode.OK, (await writer.PutAsync($"/api/studies/{study.StudyId}/note", new StringContent("lr sweep"))).StatusCode);
            Assert.Equal("lr sweep", storage.GetStudySystemAttrs(study.StudyId)["dashboard:note"]);
            Assert.Equal("lr sweep", (await Get(writer, $"/api/studies/{study.StudyId}/trials")).GetProperty("note").GetString());
            Assert.Equal(HttpStatusCode.OK, (await writer.DeleteAsync($"/api/studies/{study.StudyId}")).StatusCode);
            Assert.Empty(storage.GetAllStudies());
            Assert.Equal(0, (await Get(writer, "/api/studies")).GetArrayLength());
        }
    }

    [Fact]
    public async Task ReadingNeverBlocksAWorkerWritingTheSameSqliteFile()
    {
        string url = "sqlite:///" + _tmp.Sub("live.db");
        using (var s = new RdbStorage(url)) Study.Create("live", s);
        var worker = DashboardSeed.StartWorker(url, "live", nTrials: 80, seed: 5);
        using var storage = new RdbStorage(url);
        var (app, client) = await Serve(storage);
        await using var _ = app;
        long update = 0;
        int reads = 0, seen = 0;
        while (!worker.HasExited || reads == 0)
        {
            var reply = await Get(client, $"/api/studies/1/trials?since={update}");
            update = reply.GetProperty("update").GetInt64();
            seen = reply.GetProperty("n_trials").GetInt32();
            await Get(client, "/api/studies");
            reads++;
        }
        string stderr = await DashboardSeed.Finish(worker);
        Assert.DoesNotContain("locked", stderr, StringComparison.OrdinalIgnoreCase);
        Assert.True(reads > 1, $"only {reads} reads overlapped the worker");
        var final = await Get(client, $"/api/studies/1/trials?since=0");
        Assert.Equal(80, final.GetProperty("n_trials").GetInt32());
        Assert.All(final.GetProperty("trials").EnumerateArray(), t => Assert.Equal("COMPLETE", t.GetProperty("state").GetString()));
        Assert.True(seen <= 80);
    }
}
