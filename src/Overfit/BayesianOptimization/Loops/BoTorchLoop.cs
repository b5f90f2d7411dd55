namespace Overfit.BayesianOptimization;

/// <summary>Settings of <see cref="BoTorchLoop"/>.</summary>
public sealed record BoTorchLoopOptions
{
    /// <summary>Scrambled-Sobol initial points; null uses 2(d + 1).</summary>
    public int? InitialPoints { get; init; }
    /// <summary>L-BFGS starts of the acquisition optimizer (default 10).</summary>
    public int NumRestarts { get; init; } = 10;
    /// <summary>Sobol batches scored to pick the starts (default 512).</summary>
    public int RawSamples { get; init; } = 512;
    /// <summary>Seed of the initial points, the model fits and the acquisition optimizer.</summary>
    public ulong Seed { get; init; }
    /// <summary>Start each fit from the previous hyperparameters.</summary>
    public bool WarmStart { get; init; } = true;
    /// <summary>With warm starts, also fit from the default hyperparameters every this many iterations (the better fit wins).</summary>
    public int ColdFitEvery { get; init; } = 5;
    /// <summary>Model settings (the loop sets the input bounds, seed and warm start); null is BoTorch's defaults.</summary>
    public SingleTaskGPOptions? ModelOptions { get; init; }
    /// <summary>Builds the acquisition from the fitted model and the best observed target; null is LogEI.</summary>
    public Func<SingleTaskGP, double, AcquisitionFunction>? AcquisitionFactory { get; init; }
}

/// <summary>
/// The BoTorch loop: scrambled-Sobol initial points, then repeatedly fit a <see cref="SingleTaskGP"/> (unit-cube
/// inputs from the bounds, standardized outcomes), maximize LogEI with <see cref="AcquisitionOptimizer"/> (10
/// restarts, 512 raw samples) and evaluate the candidate. Maximizes the objective; logs every evaluation.
/// </summary>
public sealed class BoTorchLoop
{
    private readonly Func<double[], double> _objective;
    private readonly EvaluationLog _log;
    private double[]? _hyperparameters;

    /// <summary>A loop maximizing <paramref name="objective"/> over <paramref name="bounds"/>.</summary>
    /// <param name="objective">The function to maximize, called with d coordinates.</param>
    /// <param name="bounds">The search box.</param>
    /// <param name="options">Settings (null: defaults).</param>
    /// <param name="log">Receives one line per evaluation, or null.</param>
    /// <exception cref="ArgumentNullException">objective or bounds is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">options.InitialPoints &lt; 1.</exception>
    public BoTorchLoop(Func<double[], double> objective, Bounds bounds, BoTorchLoopOptions? options = null, TextWriter? log = null)
    {
        _objective = objective ?? throw new ArgumentNullException(nameof(objective));
        Bounds = bounds ?? throw new ArgumentNullException(nameof(bounds));
        Options = options ?? new BoTorchLoopOptions();
        if (Options.InitialPoints is < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.InitialPoints, $"expected at least one initial point, got {Options.InitialPoints}");
        _log = new EvaluationLog(log);
    }

    /// <summary>The search box.</summary>
    public Bounds Bounds { get; }
    /// <summary>The loop's settings.</summary>
    public BoTorchLoopOptions Options { get; }
    /// <summary>Every evaluation, in order.</summary>
    public IReadOnlyList<EvaluationRecord> History => _log.Records;
    /// <summary>Warnings raised during the run (e.g. failed objective calls).</summary>
    public IReadOnlyList<string> Warnings => _log.Warnings;
    /// <summary>The last fitted model (null before the first model-guided step).</summary>
    public SingleTaskGP? Model { get; private set; }
    /// <summary>Seconds spent fitting and optimizing the acquisition, per model-guided iteration.</summary>
    public List<double> IterationSeconds { get; } = [];
    /// <summary>Of <see cref="IterationSeconds"/>, the part spent fitting the model.</summary>
    public List<double> FitSeconds { get; } = [];

    /// <summary>The best complete evaluation (null before any).</summary>
    public EvaluationRecord? Best => _log.BestIndex < 0 ? null : _log.Records[_log.BestIndex];

    /// <summary>Runs until <paramref name="evaluations"/> evaluations in total (initial ones included) have been made.</summary>
    public BoTorchLoop Run(int evaluations)
    {
        if (evaluations < 1) throw new ArgumentOutOfRangeException(nameof(evaluations), evaluations, $"expected at least one evaluation, got {evaluations}");
        int d = Bounds.Dimension;
        int initial = Math.Min(Options.InitialPoints ?? 2 * (d + 1), evaluations);
        if (_log.Records.Count == 0)
        {
            var sobol = new SobolEngine(d, scramble: true, seed: Options.Seed).Draw(initial);
            Bounds.FromUnitCube(sobol);
            for (int i = 0; i < initial; i++) Evaluate(sobol.AsSpan(i * d, d).ToArray());
        }
        int iteration = 0;
        while (_log.Records.Count < evaluations)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var candidate = Suggest(iteration++);
            IterationSeconds.Add(watch.Elapsed.TotalSeconds);
            Evaluate(candidate);
        }
        return this;
    }

    /// <summary>Fits the model to the complete evaluations and returns the acquisition's maximizer.</summary>
    public double[] Suggest(int iteration = 0)
    {
        var (x, y) = _log.Observations(Bounds.Dimension);
        var rngSeed = Options.Seed * 1_000_003UL + (ulong)iteration;
        if (y.Length == 0)
        {
            var random = new SobolEngine(Bounds.Dimension, scramble: true, seed: rngSeed).Draw(1);
            Bounds.FromUnitCube(random);
            return random;
        }
        var (candidate, model, _) = BoTorchProposal.Propose(x, y, Bounds, Options, rngSeed, iteration, ref _hyperparameters, out double fitSeconds);
        FitSeconds.Add(fitSeconds);
        Model = model;
        return candidate;
    }

    private void Evaluate(double[] x)
        => _log.Evaluate(x, _objective, p => "[" + string.Join(", ", p.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))) + "]");
}
