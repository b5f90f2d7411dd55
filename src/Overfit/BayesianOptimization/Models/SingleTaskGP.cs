using Overfit.GaussianProcesses;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.BayesianOptimization;

/// <summary>
/// Exact GP regression model in BoTorch's SingleTaskGP form (see <see cref="SingleTaskGPOptions"/> for the defaults), a
/// thin layer over the GP core: it maps inputs to the unit cube and standardizes the outcomes, builds the covariance
/// module from the core's kernels (<see cref="ConstantKernel"/> output scale × ARD <see cref="Matern"/> ν = 5/2, plus a
/// <see cref="WhiteKernel"/> for the learned noise) with BoTorch's priors on the hyperparameters, and fits the kernel's
/// log-hyperparameters plus a constant mean by maximizing the core's exact marginal likelihood plus the log priors
/// (divided by n, as BoTorch's ExactMarginalLogLikelihood) with the bounded L-BFGS. The posterior is the core's exact
/// posterior of the noise-free latent function. Float64 throughout.
/// </summary>
public sealed partial class SingleTaskGP : IPosteriorModel
{
    private const double MinVariance = 1e-12;   // posterior variance floor, standardized units
    private const double MeanBound = 10;        // the constant mean is fitted within ±10 standardized units
    private readonly double[] _xNorm;   // n×d training inputs in normalized coordinates
    private readonly double[] _yStd;    // standardized outcomes
    private readonly double[]? _trainNoise; // per-point noise in standardized units, null when learned
    private readonly double[] _inputLow, _inputRange;
    private readonly Kernel _signal;    // output scale × correlation: the prior of the latent function
    private readonly Kernel _covariance; // _signal plus the learned white noise (the same hyperparameter storage)
    private readonly StationaryKernel _base;
    private readonly ConstantKernel? _outputScale;
    private readonly WhiteKernel? _noise;
    private readonly double[] _initialTheta; // the covariance module's log-hyperparameters before fitting
    private ExactPosterior? _posterior;

    /// <summary>The settings the model was fitted with.</summary>
    public SingleTaskGPOptions Options { get; }
    /// <summary>Number of input dimensions d.</summary>
    public int Dimension { get; }
    /// <summary>Number of training points n.</summary>
    public int Count { get; }
    /// <summary>Mean of the raw outcomes (0 when not standardized).</summary>
    public double OutcomeMean { get; }
    /// <summary>Standard deviation of the raw outcomes (1 when not standardized).</summary>
    public double OutcomeScale { get; }
    /// <summary>Fitted length scales, in normalized input units, one per dimension.</summary>
    public double[] Lengthscales { get; private set; } = [];
    /// <summary>Fitted output scale (kernel variance; 1 when not learned).</summary>
    public double OutputScale { get; private set; } = 1;
    /// <summary>Learned homoscedastic noise variance in standardized units (NaN for a fixed-noise model).</summary>
    public double Noise { get; private set; } = double.NaN;
    /// <summary>Fitted constant mean, in standardized units.</summary>
    public double MeanConstant { get; private set; }
    /// <summary>Marginal log likelihood of the standardized outcomes at the fitted hyperparameters.</summary>
    public double LogMarginalLikelihood { get; private set; }
    /// <summary>Fitted objective: marginal log likelihood plus log priors (equal to the likelihood without priors).</summary>
    public double LogPosterior { get; private set; }
    /// <summary>
    /// Optimized vector, for warm starts: the covariance module's theta in the core's order (log output scale, log length
    /// scales, log noise: the learned ones) followed by the constant mean when learned.
    /// </summary>
    public double[] RawHyperparameters { get; private set; } = [];

    // frame: a model whose input offsets and ranges and outcome mean and scale are reused (conditioning keeps the
    // fitted model's coordinates); null derives them from the options and the data.
    private SingleTaskGP(double[] x, int n, int d, double[] y, SingleTaskGPOptions options, SingleTaskGP? frame = null)
    {
        Options = options;
        Dimension = d;
        Count = n;
        GaussianProcesses.ExactInference.Elements(n, n, nameof(x)); // every n×n buffer below is then indexable with int offsets
        _inputLow = new double[d];
        _inputRange = new double[d];
        for (int k = 0; k < d; k++)
        {
            if (frame is not null) { _inputLow[k] = frame._inputLow[k]; _inputRange[k] = frame._inputRange[k]; continue; }
            if (!options.NormalizeInputs) { _inputLow[k] = 0; _inputRange[k] = 1; continue; }
            if (options.InputBounds is { } b)
            {
                if (b.Dimension != d) throw new ArgumentException($"input bounds have {b.Dimension} dimensions, expected {d}", nameof(options));
                _inputLow[k] = b.Lower[k]; _inputRange[k] = b.Upper[k] - b.Lower[k];
            }
            else
            {
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                for (int i = 0; i < n; i++) { lo = Math.Min(lo, x[i * d + k]); hi = Math.Max(hi, x[i * d + k]); }
                _inputLow[k] = lo; _inputRange[k] = hi > lo ? hi - lo : 1;
            }
        }
        _xNorm = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++) _xNorm[i * d + k] = (x[i * d + k] - _inputLow[k]) / _inputRange[k];

        double mean = 0, scale = 1;
        if (frame is not null) (mean, scale) = (frame.OutcomeMean, frame.OutcomeScale);
        else if (options.StandardizeOutcomes)
        {
            mean = y.Average();
            if (n > 1)
            {
                double ss = 0;
                foreach (var v in y) ss += (v - mean) * (v - mean);
                scale = Math.Sqrt(ss / (n - 1)); // BoTorch's Standardize: the unbiased standard deviation
            }
            if (!(scale > 1e-12)) scale = 1;
        }
        OutcomeMean = mean;
        OutcomeScale = scale;
        _yStd = y.Select(v => (v - mean) / scale).ToArray();
        if (options.TrainYVariance is { } yvar)
        {
            if (yvar.Length != n) throw new ArgumentException($"expected {n} observation noise variances, got {yvar.Length}", nameof(options));
            _trainNoise = yvar.Select(v => v >= 0 ? Math.Max(v / (scale * scale), 1e-12)
                : throw new ArgumentException($"observation noise variances must be non-negative, got {v}", nameof(options))).ToArray();
        }
        (_signal, _covariance, _base, _outputScale, _noise) = CovarianceModule(options, d, learnNoise: _trainNoise is null);
        _initialTheta = _covariance.Theta;
    }

    /// <summary>Fits a model to n×d inputs (row-major) and n outcomes.</summary>
    public static SingleTaskGP Fit(double[] trainX, double[] trainY, SingleTaskGPOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainX);
        ArgumentNullException.ThrowIfNull(trainY);
        int n = trainY.Length;
        if (n == 0) throw new ArgumentException("expected at least one training point, got none", nameof(trainY));
        if (trainX.Length % n != 0 || trainX.Length == 0)
            throw new ArgumentException($"trainX has {trainX.Length} values, expected {n} rows of equal length", nameof(trainX));
        for (int i = 0; i < trainX.Length; i++)
            if (!double.IsFinite(trainX[i])) throw new ArgumentException($"trainX must be finite, got {trainX[i]} at flat index {i}", nameof(trainX));
        for (int i = 0; i < n; i++)
            if (!double.IsFinite(trainY[i])) throw new ArgumentException($"trainY must be finite, got {trainY[i]} at index {i}", nameof(trainY));
        var model = new SingleTaskGP(trainX, n, trainX.Length / n, trainY, options ?? new SingleTaskGPOptions());
        model.FitHyperparameters();
        return model;
    }

    /// <summary>Fits a model to an n×d input matrix and n outcomes.</summary>
    public static SingleTaskGP Fit(double[,] trainX, double[] trainY, SingleTaskGPOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainX);
        if (trainX.GetLength(0) != trainY.Length)
            throw new ArgumentException($"trainX has {trainX.GetLength(0)} rows, expected {trainY.Length} (one per outcome)", nameof(trainX));
        var flat = new double[trainX.Length];
        Buffer.BlockCopy(trainX, 0, flat, 0, flat.Length * sizeof(double));
        return Fit(flat, trainY, options);
    }

    private void FitHyperparameters()
    {
        var (lower, upper) = HyperparameterBounds();
        var starts = new List<double[]> { Options.InitialHyperparameters is { } warm && warm.Length == lower.Length ? (double[])warm.Clone() : DefaultHyperparameters(lower, upper) };
        var rng = new Generator(Options.Seed);
        for (int r = 0; r < Options.NumRestarts; r++)
        {
            var start = new double[lower.Length];
            for (int i = 0; i < start.Length; i++) start[i] = lower[i] + (upper[i] - lower[i]) * rng.NextDouble();
            if (Options.LearnMean) start[^1] = 0;
            starts.Add(start);
        }
        var objective = NegativeObjectiveOf(_covariance);
        double[]? best = null;
        double bestValue = double.PositiveInfinity;
        foreach (var start in starts)
        {
            var result = new BoundedLbfgs { MaxIterations = Options.MaxIterations }.MinimizeWithLazyGradient(objective, start, lower, upper);
            if (double.IsFinite(result.Value) && result.Value < bestValue) { bestValue = result.Value; best = result.X; }
        }
        if (best is null)
            throw new InvalidOperationException("fitting the GP failed from every starting point (the kernel matrix is not positive definite); rescale the inputs or add noise");
        SetHyperparameters(best);
    }

    /// <summary>Log-space bounds of the kernel's theta (its hyperparameters' bounds) followed by the mean's ±10.</summary>
    private (double[] Lower, double[] Upper) HyperparameterBounds()
    {
        var bounds = _covariance.Bounds;
        int p = _covariance.ThetaCount, total = p + (Options.LearnMean ? 1 : 0);
        var lower = new double[total]; var upper = new double[total];
        for (int i = 0; i < p; i++) { lower[i] = bounds[i, 0]; upper[i] = bounds[i, 1]; }
        if (Options.LearnMean) { lower[p] = -MeanBound; upper[p] = MeanBound; }
        return (lower, upper);
    }

    /// <summary>The covariance module's initial theta (see <see cref="CovarianceModule"/>) and mean 0, clamped to the bounds.</summary>
    private double[] DefaultHyperparameters(double[] lower, double[] upper)
    {
        var theta = new double[lower.Length];
        _initialTheta.CopyTo(theta, 0);
        for (int i = 0; i < theta.Length; i++) theta[i] = Math.Clamp(theta[i], lower[i], upper[i]);
        return theta;
    }
}
