using System.Diagnostics;
using Overfit.Tuning;

namespace Overfit.Cli.Tests.Dashboard;

/// <summary>Studies the dashboard tests look at: one objective with pruned and failed trials, and two objectives.</summary>
internal static class DashboardSeed
{
    /// <summary>
    /// 16 trials of a three-parameter study (float x, int y, categorical c): every trial reports three intermediate
    /// values; trial numbers 1, 5, 9, 13 are pruned, 2, 6, 10, 14 fail, the rest complete; each has a user attribute.
    /// </summary>
    public static Study SingleObjective(IStorage storage, string name = "single")
    {
        var study = Study.Create(name, storage, new RandomSampler(seed: 7));
        for (int i = 0; i < 16; i++)
        {
            var t = study.Ask();
            double x = t.SuggestFloat("x", -4, 4);
            int y = t.SuggestInt("y", 0, 10);
            string c = t.SuggestCategorical("c", ["relu", "tanh", "gelu"]);
            t.SetUserAttr("fold", i % 3);
            double value = x * x + 0.3 * y + (c == "tanh" ? 1 : 0);
            for (int step = 0; step < 3; step++) t.Report(value + 3 - step, step);
            switch (i % 4)
            {
                case 1: study.Tell(t, TrialState.Pruned); break;
                case 2: study.Tell(t, TrialState.Fail); break;
                default: study.Tell(t, value); break;
            }
        }
        return study;
    }

    /// <summary>12 completed trials of a two-objective study (minimize x², minimize (x-2)²) over x in [-1, 3].</summary>
    public static Study MultiObjective(IStorage storage, string name = "multi")
    {
        var study = Study.Create(name, storage, new RandomSampler(seed: 3), directions: [StudyDirection.Minimize, StudyDirection.Minimize]);
        for (int i = 0; i < 12; i++)
        {
            var t = study.Ask();
            double x = t.SuggestFloat("x", -1, 3), z = t.SuggestFloat("z", 0, 1);
            study.Tell(t, [x * x + z, (x - 2) * (x - 2) + z]);
        }
        return study;
    }

    /// <summary>Starts `overfit study optimize` on a stored study in a separate process, as a worker elsewhere would.</summary>
    public static Process StartWorker(string url, string study, int nTrials, int seed)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "Overfit.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { cli, "study", "optimize", "--storage", url, "--study", study, "--n-trials", nTrials.ToString(), "--seed", seed.ToString() })
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>Waits for a worker and fails with its output when it did not exit 0.</summary>
    public static async Task<string> Finish(Process worker)
    {
        var stderr = worker.StandardError.ReadToEndAsync();
        var stdout = worker.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await worker.WaitForExitAsync(cts.Token);
        string err = await stderr;
        Assert.True(worker.ExitCode == 0, $"worker exited {worker.ExitCode}: {err} {await stdout}");
        return err;
    }
}
