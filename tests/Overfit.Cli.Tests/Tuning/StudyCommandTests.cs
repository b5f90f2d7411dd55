using System.Diagnostics;
using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Tests.Tuning;
using Overfit.Tuning;
using Xunit.Abstractions;

namespace Overfit.Cli.Tests.Tuning;

/// <summary>`overfit study ...` on SQLite files, in process and as several worker processes sharing one file.</summary>
public sealed class StudyCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    [Fact]
    public void CreateOptimizeShowExportListDelete()
    {
        string url = "sqlite:///" + _tmp.Sub("s.db");
        Assert.Equal(0, CliHarness.Run("study", "create", "--storage", url, "--study", "q").ExitCode);
        var dup = CliHarness.Run("study", "create", "--storage", url, "--study", "q");
        Assert.Equal(1, dup.ExitCode);
        Assert.StartsWith("error: ", dup.Stderr);
        Assert.Contains("'q'", dup.Stderr);

        var run = CliHarness.Run("study", "optimize", "--storage", url, "--study", "q", "--n-trials", "12", "--seed", "1", "--json");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(12, doc.RootElement.GetProperty("n_trials").GetInt32());

        var show = CliHarness.Run("study", "show", "--storage", url, "--study", "q", "--json");
        using var shown = JsonDocument.Parse(show.Stdout);
        Assert.Equal(12, shown.RootElement.GetProperty("trials").GetArrayLength());
        Assert.Equal(12, shown.RootElement.GetProperty("n_trials").GetInt32());
        Assert.Equal(12, shown.RootElement.GetProperty("states").GetProperty("COMPLETE").GetInt32());
        // The summary's best agrees with the optimize run's, and with the minimum over the listed trials.
        double best = shown.RootElement.GetProperty("best_value").GetDouble();
        Assert.Equal(doc.RootElement.GetProperty("best_value").GetDouble(), best);
        Assert.Equal(shown.RootElement.GetProperty("trials").EnumerateArray().Min(t => t.GetProperty("values")[0].GetDouble()), best);
        Assert.Equal(JsonValueKind.Object, shown.RootElement.GetProperty("best_params").ValueKind);

        string csv = _tmp.Sub("q.csv");
        Assert.Equal(0, CliHarness.Run("study", "export", "--storage", url, "--study", "q", "--output", csv).ExitCode);
        Assert.Equal(13, File.ReadAllLines(csv).Length); // header + 12 trials

        var list = CliHarness.Run("study", "list", "--storage", url, "--json");
        using var listed = JsonDocument.Parse(list.Stdout);
        Assert.Equal("q", listed.RootElement[0].GetProperty("study").GetString());

        Assert.Equal(0, CliHarness.Run("study", "delete", "--storage", url, "--study", "q").ExitCode);
        var gone = CliHarness.Run("study", "show", "--storage", url, "--study", "q");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("'q'", gone.Stderr);
        Assert.Single(gone.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void BadStorageUrlIsOneLineOnStderr()
    {
        var r = CliHarness.Run("study", "list", "--storage", "mysql://u@h/db", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("'mysql://u@h/db'", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public Task FourWorkerProcessesShareOneSqliteFile() => FourWorkerProcessesShareOneStudy("sqlite:///" + _tmp.Sub("shared.db"));

    [Fact]
    public Task FourWorkerProcessesShareOnePostgresStudy()
    {
        if (PostgresServer.Skip(nameof(FourWorkerProcessesShareOnePostgresStudy), output.WriteLine)) return Task.CompletedTask;
        return FourWorkerProcessesShareOneStudy(PostgresServer.Instance!.CreateDatabase());
    }

    [Fact]
    public void AnUnreachablePostgresIsOneLineOnStderr()
    {
        // Port 1 on the loopback refuses connections at once.
        var r = CliHarness.Run("study", "list", "--storage", "postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("127.0.0.1:1", r.Stderr);
        Assert.DoesNotContain("secret", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void AMalformedPostgresUrlIsOneLineOnStderr()
    {
        var r = CliHarness.Run("study", "list", "--storage", "postgresql://u@h:notaport/db");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("'postgresql://u@h:notaport/db'", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void MlpFashionReportsValidationAccuracyPerEpochAndMaximizesIt()
    {
        string url = "sqlite:///" + _tmp.Sub("mlp.db");
        var r = CliHarness.Run("study", "optimize", "--storage", url, "--study", "mlp", "--func", "mlp-fashion", "--budget", "tiny",
            "--n-trials", "1", "--seed", "2", "--pruner", "none", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var storage = new RdbStorage(url);
        var study = Study.Load("mlp", storage);
        Assert.Equal(StudyDirection.Maximize, study.Direction);
        var t = Assert.Single(study.Trials);
        Assert.Equal(TrialState.Complete, t.State);
        Assert.Equal([1, 2], t.IntermediateValues.Keys); // tiny budget: two epochs, each reported
        Assert.Equal(t.IntermediateValues[2], t.Value);
        Assert.InRange(t.Value!.Value, 0.0, 1.0);
        Assert.Equal(["batch_size", "hidden_0", "lr", "n_layers"], t.Params.Keys.Where(k => k != "hidden_1" && k != "hidden_2").Order());
    }

    [Fact]
    public void AnUnknownFuncIsOneLineAndCreatesNothing()
    {
        string db = _tmp.Sub("none.db");
        var r = CliHarness.Run("study", "optimize", "--storage", "sqlite:///" + db, "--study", "x", "--func", "rosenbrock", "--n-trials", "1");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("'rosenbrock'", r.Stderr);
        Assert.False(File.Exists(db));
    }

    private async Task FourWorkerProcessesShareOneStudy(string url)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "Overfit.Cli.dll");
        Assert.True(File.Exists(cli), $"{cli} not found next to the tests");
        Assert.Equal(0, CliHarness.Run("study", "create", "--storage", url, "--study", "mp").ExitCode);
        var workers = Enumerable.Range(0, 4).Select(w =>
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { cli, "study", "optimize", "--storage", url, "--study", "mp", "--n-trials", "50", "--seed", w.ToString(), "--heartbeat", "5" })
                psi.ArgumentList.Add(a);
            return Process.Start(psi)!;
        }).ToArray();
        foreach (var p in workers)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await p.WaitForExitAsync(cts.Token);
            Assert.True(p.ExitCode == 0, $"worker failed: {await stderr} {await stdout}");
        }
        using var storage = new RdbStorage(url);
        var trials = storage.GetAllTrials(storage.GetStudyIdFromName("mp"));
        Assert.Equal(200, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(Enumerable.Range(0, 200), trials.Select(t => t.Number).Order());
    }
}
