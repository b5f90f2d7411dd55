using System.CommandLine;
using Overfit.BayesianOptimization;
using Overfit.Cli.Infrastructure;
// The loop class has the same name as its namespace.

namespace Overfit.Cli.Experiments;

/// <summary>
/// <c>overfit bo</c>: Bayesian optimization of a standard test function (minimization) against random
/// search with the same number of evaluations, repeated over several seeds. The figure shows the best
/// value found so far and the simple regret (best so far minus the known optimum), median over seeds with
/// the interquartile range; metrics.json holds the median final regret of each method.
/// </summary>
internal sealed partial class BayesOptExperiment : IExperiment
{
    public const string BayesOptMethod = "bayes-opt";
    public const string BoTorchMethod = "botorch";

    private readonly Option<string> _function = new("--func") { Description = "Test function: branin, hartmann3, hartmann6, ackleyD, levyD, rosenbrockD, michalewicz2/5/10, styblinskitangD, sixhumpcamel", DefaultValueFactory = _ => "branin" };
    private readonly Option<string> _method = new Option<string>("--method") { Description = "Loop: bayes-opt (bayes_opt's GP-UCB) or botorch (SingleTaskGP + LogEI)", DefaultValueFactory = _ => BoTorchMethod }
        .AcceptOnlyFromAmong(BayesOptMethod, BoTorchMethod);
    private readonly Option<int?> _evaluations = new("--evals") { Description = "Evaluations per run (default from --budget: tiny 15, quick 30, full 60)" };
    private readonly Option<int?> _seeds = new("--seeds") { Description = "Independent runs per method (default from --budget: tiny 2, quick 3, full 10)" };

    public string Name => "bo";

    public string Description => "Bayesian optimization against random search on a test function: best-so-far curves and final regret";

    public IReadOnlyList<Option> Options => [_function, _method, _evaluations, _seeds];

    public ExperimentResult Run(RunContext context, ExperimentBudget budget)
    {
        var function = SyntheticFunction.FromName(context.GetOption(_function, "branin"));
        string method = context.GetOption(_method, BoTorchMethod);
        int evaluations = context.GetOption(_evaluations, null) ?? budget.Pick(15, 30, 60);
        int seeds = context.GetOption(_seeds, null) ?? budget.Pick(2, 3, 10);
        if (method is not (BayesOptMethod or BoTorchMethod))
            throw new ArgumentException($"--method: expected {BayesOptMethod} or {BoTorchMethod}, got '{method}'", nameof(method));
        if (evaluations < 2) throw new ArgumentOutOfRangeException(nameof(evaluations), evaluations, $"--evals: expected at least 2 evaluations, got {evaluations}");
        if (seeds < 1) throw new ArgumentOutOfRangeException(nameof(seeds), seeds, $"--seeds: expected at least 1 seed, got {seeds}");
        context.RecordSetting("function", function.Name);
        context.RecordSetting("dimension", function.Dimension);
        context.RecordSetting("optimum", function.OptimalValue);
        context.RecordSetting("method", method);
        context.RecordSetting("evaluations", evaluations);
        context.RecordSetting("seeds", seeds);
        context.RecordSetting("initial_points", method == BoTorchMethod
            ? $"scrambled Sobol, 2(d + 1) = {Math.Min(2 * (function.Dimension + 1), evaluations)}"
            : $"uniform random, {Math.Min(BayesOptInitialPoints, evaluations)}");

        var bayesian = new double[seeds][];
        var random = new double[seeds][];
        context.Track($"{method} and random search on {function.Name}", seeds, tick =>
        {
            for (int s = 0; s < seeds; s++)
            {
                ulong runSeed = unchecked((ulong)context.Seed * 1_000UL + (ulong)s);
                bayesian[s] = method == BoTorchMethod ? RunBoTorch(function, evaluations, runSeed) : RunBayesOpt(function, evaluations, runSeed);
                random[s] = RunRandomSearch(function, evaluations, context.CreateGenerator(100 + s));
                tick.Advance();
            }
        });

        var curves = new[] { Summarize(method, bayesian, function.OptimalValue), Summarize("random search", random, function.OptimalValue) };
        var table = new ResultTable($"Final simple regret on {function.Name} after {evaluations} evaluations ({seeds} seeds; optimum {function.OptimalValue:G6})",
            "method", "median regret", "best regret", "worst regret", "median best value");
        var metrics = new Dictionary<string, object?>();
        foreach (var c in curves)
        {
            table.AddRow(c.Label, c.FinalRegretMedian, c.FinalRegrets.Min(), c.FinalRegrets.Max(), c.BestSoFarMedian[^1]);
            metrics[c.Label == "random search" ? "random_search" : method.Replace('-', '_')] = new Dictionary<string, object?>
            {
                ["final_regret_median"] = c.FinalRegretMedian,
                ["final_regrets"] = c.FinalRegrets,
                ["best_so_far_median"] = c.BestSoFarMedian,
                ["best_so_far"] = c.BestSoFar,
            };
        }
        metrics["optimum"] = function.OptimalValue;
        var figure = context.SaveFigure(DrawFigure(function, curves), "bo",
            $"Best value found so far on {function.Name}: {method} against random search, median over {seeds} seeds with the interquartile range");
        return new ExperimentResult(metrics, [figure], [table]);
    }

    private const int BayesOptInitialPoints = 5;

    /// <summary>The BoTorch loop (it maximizes, so it sees -f); returns the best-so-far minimum after each evaluation.</summary>
    private static double[] RunBoTorch(SyntheticFunction function, int evaluations, ulong seed)
    {
        var loop = new BoTorchLoop(x => -function.Evaluate(x), function.Bounds, new BoTorchLoopOptions { Seed = seed }).Run(evaluations);
        return loop.History.Select(r => -r.BestSoFar).ToArray();
    }

    /// <summary>The bayes_opt loop with its defaults (5 random points, then GP-UCB) on -f.</summary>
    private static double[] RunBayesOpt(SyntheticFunction function, int evaluations, ulong seed)
    {
        var names = Enumerable.Range(0, function.Dimension).Select(i => $"x{i:D2}").ToArray();
        var bounds = names.Select((n, i) => (n, (function.Bounds.Lower[i], function.Bounds.Upper[i]))).ToDictionary(p => p.n, p => p.Item2);
        var loop = new BayesOptLoop(p => -function.Evaluate(names.Select(n => p[n]).ToArray()), bounds, randomState: (int)(seed % int.MaxValue));
        int initial = Math.Min(BayesOptInitialPoints, evaluations);
        loop.Maximize(initPoints: initial, nIter: evaluations - initial);
        return loop.Res.Select(r => -r.BestSoFar).ToArray();
    }

    /// <summary>Uniform random points in the bounds.</summary>
    private static double[] RunRandomSearch(SyntheticFunction function, int evaluations, Tensors.Generator generator)
    {
        var best = new double[evaluations];
        double bestValue = double.PositiveInfinity;
        var x = new double[function.Dimension];
        for (int i = 0; i < evaluations; i++)
        {
            for (int d = 0; d < x.Length; d++)
                x[d] = function.Bounds.Lower[d] + (function.Bounds.Upper[d] - function.Bounds.Lower[d]) * generator.NextDouble();
            bestValue = Math.Min(bestValue, function.Evaluate(x));
            best[i] = bestValue;
        }
        return best;
    }

    private static Curves Summarize(string label, double[][] bestSoFar, double optimum)
    {
        int n = bestSoFar[0].Length;
        double[] Quantile(double q) => Enumerable.Range(0, n).Select(i => QuantileOf(bestSoFar.Select(run => run[i]).ToArray(), q)).ToArray();
        var finalRegrets = bestSoFar.Select(run => run[^1] - optimum).ToArray();
        return new Curves(label, bestSoFar, Quantile(0.5), Quantile(0.25), Quantile(0.75), finalRegrets, QuantileOf(finalRegrets, 0.5));
    }

    /// <summary>Linear-interpolation quantile (NumPy's default), so the median of an even count averages the middle two.</summary>
    internal static double QuantileOf(double[] values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    private sealed record Curves(string Label, double[][] BestSoFar, double[] BestSoFarMedian, double[] Lower, double[] Upper, double[] FinalRegrets, double FinalRegretMedian);
}
