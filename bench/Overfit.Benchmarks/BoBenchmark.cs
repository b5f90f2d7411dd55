using System.Globalization;
using Overfit.BayesianOptimization;

namespace Overfit.Benchmarks;

/// <summary>
/// `bo --func hartmann6|branin|ackley5 --evals N --seeds S [--first-seed F] [--method botorch|bayesopt] --json`: runs
/// the loop on S seeds (F, F + 1, …; default 0) and prints the quartiles of the final regret (best value found minus the known minimum; minimized) and the
/// mean seconds per model-guided iteration (fit + acquisition optimization).
/// </summary>
public static class BoBenchmark
{
    public static int Run(string[] args)
    {
        string func = "hartmann6", method = "botorch", priors = "gamma";
        int evals = 100, seeds = 10, firstSeed = 0;
        int? initialPoints = null;
        bool json = false, verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--func": func = BenchOptions.Next(args, ref i); break;
                case "--evals": evals = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--seeds": seeds = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--first-seed": firstSeed = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--method": method = BenchOptions.Next(args, ref i); break;
                case "--priors": priors = BenchOptions.Next(args, ref i); break;
                case "--init": initialPoints = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--json": json = true; break;
                case "--verbose": verbose = true; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (firstSeed < 0) { Console.Error.WriteLine($"bo: --first-seed must be >= 0, got {firstSeed}"); return 2; }
        var problem = SyntheticFunction.FromName(func);
        var regrets = new List<double>();
        var seconds = new List<double>();
        for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            double best;
            if (method == "botorch")
            {
                var loop = new BoTorchLoop(x => -problem.Evaluate(x), problem.Bounds, new BoTorchLoopOptions { Seed = (ulong)seed, ModelOptions = ModelOptions(priors), InitialPoints = initialPoints },
                    verbose ? Console.Error : null).Run(evals);
                best = -loop.Best!.Target;
                seconds.AddRange(loop.IterationSeconds);
                if (verbose && loop.Model is { } m)
                    Console.Error.WriteLine(FormattableString.Invariant(
                        $"model: lengthscales [{string.Join(", ", m.Lengthscales.Select(v => v.ToString("G3", CultureInfo.InvariantCulture)))}], outputscale {m.OutputScale:G3}, noise {m.Noise:G3}, mean {m.MeanConstant:G3}"));
                Console.Error.WriteLine(FormattableString.Invariant(
                    $"seed {seed}: regret {best - problem.OptimalValue:G4}, mean {loop.IterationSeconds.Average():F3} s/iter, last 10 {loop.IterationSeconds.TakeLast(10).Average():F3} s/iter (fit {loop.FitSeconds.TakeLast(10).Average():F3})"));
            }
            else if (method == "bayesopt")
            {
                var names = Enumerable.Range(0, problem.Dimension).Select(i => $"x{i:D2}").ToArray();
                var pbounds = names.Select((n, i) => (n, (problem.Bounds.Lower[i], problem.Bounds.Upper[i]))).ToDictionary(p => p.n, p => p.Item2);
                var bo = new BayesOptLoop(p => -problem.Evaluate(names.Select(n => p[n]).ToArray()), pbounds, randomState: seed,
                    log: verbose ? Console.Error : null);
                int init = Math.Min(5, evals);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                bo.Maximize(init, evals - init);
                if (evals > init) seconds.Add(watch.Elapsed.TotalSeconds / (evals - init));
                best = -bo.Max!.Value.Target;
                Console.Error.WriteLine(FormattableString.Invariant($"seed {seed}: regret {best - problem.OptimalValue:G4}"));
            }
            else { Console.Error.WriteLine($"unknown method {method}; expected botorch or bayesopt"); return 2; }
            regrets.Add(best - problem.OptimalValue);
        }
        regrets.Sort();
        string line = FormattableString.Invariant(
            $"{{\"bench\":\"bo\",\"func\":\"{func}\",\"method\":\"{method}\",\"evals\":{evals},\"seeds\":{seeds},\"regret_q25\":{Quantile(regrets, 0.25):G6},\"regret_median\":{Quantile(regrets, 0.5):G6},\"regret_q75\":{Quantile(regrets, 0.75):G6},\"sec_per_iter\":{(seconds.Count > 0 ? seconds.Average() : 0):G4}}}");
        Console.WriteLine(json ? line : line.Replace(",", ", "));
        return 0;
    }

    /// <summary>gamma: BoTorch's classic SingleTaskGP; lognormal: its newer dimension-scaled priors with RBF and no output scale.</summary>
    private static SingleTaskGPOptions ModelOptions(string priors) => priors switch
    {
        "gamma" => new SingleTaskGPOptions(),
        "lognormal" => new SingleTaskGPOptions { Priors = GPPriorKind.DimensionScaledLogNormal, Kernel = new Overfit.GaussianProcesses.RBF(), LearnOutputScale = false },
        "gamma-zeromean" => new SingleTaskGPOptions { LearnMean = false },
        "lognormal-matern" => new SingleTaskGPOptions { Priors = GPPriorKind.DimensionScaledLogNormal },
        _ => throw new ArgumentException($"unknown priors '{priors}'; expected gamma, gamma-zeromean, lognormal or lognormal-matern", nameof(priors)),
    };

    /// <summary>Linear-interpolation quantile of sorted values (numpy's default).</summary>
    internal static double Quantile(List<double> sorted, double p)
    {
        double pos = p * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
