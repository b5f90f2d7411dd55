using System.Diagnostics;
using System.Globalization;
using Overfit.Tuning;

namespace Overfit.Benchmarks;

public static partial class TuningBenchmark
{
    /// <summary>
    /// N worker processes (this program with <c>--worker-study</c>) optimize one fresh study on the storage, each its
    /// share of the trials. trials_per_s is all trials over the span from the first worker's first ask to the last
    /// worker's last tell; ask_tell_s_per_trial is the time spent outside the objective, per trial, averaged over workers.
    /// </summary>
    private static string Workers(string sampler, string storage, int trials, int workers, double objectiveMs)
    {
        string study = "workers-" + Guid.NewGuid().ToString("N")[..8];
        // Every worker warms up first and starts its trials once all of them are ready, so the span measures the
        // workers running side by side with tiered-up code, not process starts and JIT compilation.
        using (var s = new RdbStorage(storage)) Study.Create(study, s).SetUserAttr(WorkersAttr, workers);
        string self = typeof(TuningBenchmark).Assembly.Location;
        var procs = Enumerable.Range(0, workers).Select(w =>
        {
            int share = trials / workers + (w < trials % workers ? 1 : 0);
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string a in new[] { self, "tuning", "--overhead", "--storage", storage, "--sampler", sampler, "--trials", Str(share),
                         "--objective-ms", objectiveMs.ToString("R", CultureInfo.InvariantCulture), "--worker-study", study })
                psi.ArgumentList.Add(a);
            return Process.Start(psi) ?? throw new InvalidOperationException("could not start a worker");
        }).ToArray();
        double first = double.MaxValue, last = double.MinValue, overhead = 0, cpu = 0;
        foreach (var p in procs)
        {
            string line = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"a worker exited with {p.ExitCode}: {line}");
            var parts = line.Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            first = Math.Min(first, parts[0]);
            last = Math.Max(last, parts[1]);
            overhead += parts[2];
            cpu += parts[3];
        }
        using (var s = new RdbStorage(storage))
        {
            int done = s.GetNTrials(s.GetStudyIdFromName(study), [TrialState.Complete]);
            if (done != trials) throw new InvalidOperationException($"{done} trials completed, expected {trials}");
        }
        double span = last - first;
        return FormattableString.Invariant(
            $"{{\"bench\":\"tuning-overhead\",\"storage\":\"{storage.Split(':')[0]}\",\"sampler\":\"{sampler}\",\"workers\":{workers},\"trials\":{trials},\"objective_ms\":{objectiveMs},\"ask_tell_s_per_trial\":{overhead / trials:G6},\"cpu_s_per_trial\":{cpu / trials:G6},\"trials_per_s\":{trials / span:F2}}}");
    }

    /// <summary>
    /// One worker: warms up on a throwaway study, then runs its trials and prints "first_ask last_tell overhead_s cpu_s"
    /// (Unix seconds; cpu_s is this process's CPU time over its trials, steadier than wall time on a loaded machine).
    /// </summary>
    private static int Worker(Func<ulong, ISampler> factory, string storage, string studyName, int trials, double objectiveMs)
    {
        using var s = new RdbStorage(storage);
        // JIT warm-up on studies of its own, as the one-process overhead benchmark does.
        WarmUntilJitQuiet(() => RunOverheadStudy(factory(1), storage, 50));
        var study = Study.Load(studyName, s, factory((ulong)Environment.ProcessId));
        int workers = Convert.ToInt32(study.UserAttrs[WorkersAttr], CultureInfo.InvariantCulture);
        study.SetUserAttr(ReadyAttrPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture), true);
        while (study.UserAttrs.Keys.Count(k => k.StartsWith(ReadyAttrPrefix, StringComparison.Ordinal)) < workers) Thread.Sleep(5);
        var sleep = TimeSpan.FromMilliseconds(objectiveMs);
        double inObjective = 0;
        double start = Now();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < trials; i++)
        {
            var t = study.Ask();
            double v = 0;
            for (int k = 0; k < 4; k++) { double p = t.SuggestFloat($"x{k}", -5.0, 5.0) - 1.0; v += p * p; }
            if (objectiveMs > 0)
            {
                var o = Stopwatch.StartNew();
                Thread.Sleep(sleep);
                inObjective += o.Elapsed.TotalSeconds;
            }
            study.Tell(t, v);
        }
        double total = watch.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine(FormattableString.Invariant($"{start:R} {start + total:R} {total - inObjective:R} {cpu:R}"));
        return 0;
    }

    private const string WorkersAttr = "bench_workers";
    private const string ReadyAttrPrefix = "bench_ready_";

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
