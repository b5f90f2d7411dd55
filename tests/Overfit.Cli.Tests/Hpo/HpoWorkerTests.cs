using System.Diagnostics;
using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Hpo;

/// <summary>
/// `overfit hpo` as processes: K workers of the same executable on one SQLite study, and a worker killed mid-study whose
/// finished trials survive and whose study the same command completes. The worker processes read Fashion-MNIST through
/// the data locator (the tiny budget's stand-in images where it is not installed).
/// </summary>
public sealed class HpoWorkerTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    [Fact]
    public void TwoWorkersShareOneStudy()
    {
        string url = "sqlite:///" + _tmp.Sub("w.db");
        string outDir = _tmp.Sub("w");
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "--budget", "tiny", "--method", "random", "--trials", "4", "--epochs", "1", "--workers", "2",
            "--threads-per-trial", "1", "--storage", url, "--study", "w", "--out", outDir, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.True(doc.RootElement.GetProperty("rows")[0].GetProperty("trials").GetDouble() >= 4);
        // This process is worker 0; it started one worker process, index 1, with the same settings.
        Assert.False(Directory.Exists(Path.Combine(outDir, "worker-0")));
        using (var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "worker-1", "metrics.json"))))
        {
            Assert.Equal("ok", worker.RootElement.GetProperty("status").GetString());
            var settings = worker.RootElement.GetProperty("settings");
            Assert.Equal(1, settings.GetProperty("worker_index").GetInt32());
            Assert.Equal(1, settings.GetProperty("threads_per_trial").GetInt32());
            Assert.Equal(0.1, settings.GetProperty("validation_fraction").GetDouble());
        }
        using var storage = new RdbStorage(url);
        var trials = Study.Load("w", storage).Trials;
        Assert.True(trials.Count(t => t.State == TrialState.Complete) >= 4);
        Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task AKilledRunLosesNoFinishedTrialAndTheSameCommandCompletesIt()
    {
        string url = "sqlite:///" + _tmp.Sub("k.db");
        string[] args = ["hpo", "--budget", "tiny", "--method", "random", "--trials", "5", "--epochs", "1", "--storage", url, "--study", "k"];
        string cli = Path.Combine(AppContext.BaseDirectory, "Overfit.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli }.Concat(args).Append("--out").Append(_tmp.Sub("k1"))) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        FrozenTrial[] finished = [];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3) && !process.HasExited)
        {
            await Task.Delay(200);
            if (!File.Exists(_tmp.Sub("k.db"))) continue;
            using var peek = new RdbStorage(url);
            if (peek.GetAllStudies().Count == 0) continue;
            finished = [.. peek.GetAllTrials(peek.GetStudyIdFromName("k"), [TrialState.Complete])];
            if (finished.Length >= 2) break;
        }
        Assert.False(process.HasExited, "the run ended before it could be killed");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        Assert.True(finished.Length >= 2, "no trial finished in time");

        var rerun = CliHarness.Run(HpoFixtures.Root(), [.. args, "--out", _tmp.Sub("k2")]);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Contains("resuming study 'k'", rerun.Stdout + rerun.Stderr);
        using var storage = new RdbStorage(url);
        var trials = Study.Load("k", storage).Trials;
        Assert.Equal(5, trials.Count(t => t.State == TrialState.Complete));
        foreach (var f in finished) Assert.Equal(f.Values, trials.Single(t => t.Number == f.Number).Values);
    }
}
