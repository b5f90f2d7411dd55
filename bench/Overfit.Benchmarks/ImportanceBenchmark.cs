using System.Diagnostics;
using System.Globalization;
using Overfit.Tuning;

namespace Overfit.Benchmarks;

/// <summary>
/// `importance --evaluator fanova|ped-anova --trials 300 --params 6 [--anchor PATH] --json`: a random-sampler study
/// (seed 0) of f = Σ (i + 1) xᵢ² over xᵢ ∈ [0, 1], then one timed importance evaluation (after a warm-up on a small
/// study). With --anchor, tests/fixtures/reference/tuning/optuna_importance_bench.py runs Optuna's evaluator on its own study of the
/// same function right after.
/// </summary>
public static class ImportanceBenchmark
{
    public static int Run(string[] args)
    {
        string evaluator = "fanova";
        int trials = 300, parameters = 6;
        bool json = false;
        string? anchor = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--evaluator": evaluator = BenchOptions.Next(args, ref i); break;
                case "--trials": trials = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--params": parameters = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--anchor": anchor = BenchOptions.Next(args, ref i); break;
                case "--json": json = true; break;
                default: Console.Error.WriteLine($"importance: unknown option {args[i]}"); return 2;
            }
        }
        if (evaluator is not ("fanova" or "ped-anova")) { Console.Error.WriteLine($"importance: unknown evaluator '{evaluator}'; expected fanova or ped-anova"); return 2; }
        if (trials < 2 || parameters < 1) { Console.Error.WriteLine($"importance: --trials must be >= 2 and --params >= 1, got {trials} and {parameters}"); return 2; }
        IImportanceEvaluator Create() => evaluator == "fanova" ? new FanovaImportanceEvaluator(seed: 0) : new PedAnovaImportanceEvaluator();
        Importance.Get(MakeStudy(40, parameters), Create());   // warm-up: the JIT compiles the forest and the decomposition
        var study = MakeStudy(trials, parameters);
        var watch = Stopwatch.StartNew();
        var importances = Importance.Get(study, Create());
        double seconds = watch.Elapsed.TotalSeconds;
        string values = string.Join(",", importances.Select(p => FormattableString.Invariant($"\"{p.Key}\":{p.Value:F4}")));
        string line = FormattableString.Invariant(
            $"{{\"bench\":\"importance\",\"evaluator\":\"{evaluator}\",\"trials\":{trials},\"params\":{parameters},\"seconds\":{seconds:G4},\"importances\":{{{values}}}}}");
        Console.WriteLine(json ? line : line.Replace(",", ", "));
        if (anchor is not null)
        {
            var psi = new ProcessStartInfo("/usr/bin/python3", [anchor, evaluator, trials.ToString(CultureInfo.InvariantCulture), parameters.ToString(CultureInfo.InvariantCulture)])
            { UseShellExecute = false };
            psi.Environment.Remove("OPENBLAS_CORETYPE");
            psi.Environment.Remove("OPENBLAS_L2_SIZE");
            using var proc = Process.Start(psi) ?? throw new InvalidOperationException($"could not start /usr/bin/python3 {anchor}");
            proc.WaitForExit();
            if (proc.ExitCode != 0) Console.Error.WriteLine($"anchor exited with {proc.ExitCode}");
        }
        return 0;
    }

    private static Study MakeStudy(int trials, int parameters)
    {
        var study = Study.Create(sampler: new RandomSampler(0), pruner: new NopPruner());
        study.Optimize(t =>
        {
            double s = 0;
            for (int i = 0; i < parameters; i++) s += (i + 1) * Math.Pow(t.SuggestFloat($"x{i}", 0, 1), 2);
            return s;
        }, nTrials: trials);
        return study;
    }
}
