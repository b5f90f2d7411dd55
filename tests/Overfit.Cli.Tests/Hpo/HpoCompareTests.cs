using System.Text.Json;
using Overfit.Cli.Tests.Infrastructure;

namespace Overfit.Cli.Tests.Hpo;

/// <summary>`overfit hpo compare` on the Fashion-MNIST fixture: every method as its own study, the rows and the figures.</summary>
public sealed class HpoCompareTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _tmp.Dispose();
    }

    [Fact]
    public void ComparesTheChaptersMethodsWithTpeAndPrunedTpe()
    {
        string outDir = _tmp.Sub("cmp");
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "compare", "--budget", "tiny", "--methods", "bayesopt", "botorch", "tpe", "tpe+asha",
            "--trials", "5", "--init", "2", "--epochs", "3", "--out", outDir, "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(outDir, doc.RootElement.GetProperty("run_dir").GetString());
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["bayesopt", "botorch", "tpe", "tpe+asha"], rows.Select(r => r.GetProperty("method").GetString()));
        foreach (var r in rows)
        {
            foreach (var key in new[] { "best_accuracy", "best_params", "trials", "epochs_spent", "wall_s" }) Assert.True(r.TryGetProperty(key, out _), key);
            Assert.InRange(r.GetProperty("best_accuracy").GetDouble(), 0.1, 1);
            Assert.Equal(5, r.GetProperty("trials").GetDouble());
            Assert.Equal(["learning_rate", "batch_size", "hidden1", "hidden2"], r.GetProperty("best_params").EnumerateObject().Select(p => p.Name));
        }
        Assert.Equal(15, rows[2].GetProperty("epochs_spent").GetDouble());   // unpruned: 5 trials x 3 epochs
        double pruned = rows[3].GetProperty("epochs_spent").GetDouble();
        // A pruned trial stops before its last epoch, so pruning shows as epochs saved.
        if (rows[3].GetProperty("pruned").GetDouble() > 0) Assert.True(pruned < 15, $"pruned TPE spent {pruned} epochs");
        else Assert.Equal(15, pruned);
        var figures = doc.RootElement.GetProperty("figures").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["hpo-best-so-far", "hpo-parallel-coordinates", "hpo-slices", "hpo-importance", "hpo-intermediate"], figures);
        var tables = doc.RootElement.GetProperty("tables").EnumerateArray().ToArray();
        Assert.Equal(["best parameters", "chapter Bayes-Opt", "chapter BoTorch", "bayesopt", "botorch", "tpe", "tpe+asha"],
            tables[1].GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        // Every study is in the run folder's storage, one per method and seed.
        Assert.True(File.Exists(Path.Combine(outDir, "studies.db")));
    }

    [Fact]
    public void UnknownMethodInTheListIsRefused()
    {
        var run = CliHarness.Run(HpoFixtures.Root(), "hpo", "compare", "--budget", "tiny", "--methods", "tpe+asha", "tpe+sometimes", "--out", _tmp.Sub("x"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --pruner: expected one of none, median, asha, hyperband, got 'sometimes'", run.Stderr.Trim());
    }
}
