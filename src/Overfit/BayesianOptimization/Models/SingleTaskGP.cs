using Overfit.GaussianProcesses;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.BayesianOptimization;

/// <summary>
/// Exact GP regression model in BoTorch's SingleTaskGP form (see <see cref="SingleTaskGPOptions"/> for the defaults).
/// Hyperparameters are fitted by maximizing the marginal log likelihood plus log priors with bounded L-BFGS over
/// log-parameters; the Cholesky factor and the weights are cached for fast posteriors. Float64 throughout.
/// </summary>
public sealed partial class SingleTaskGP : IPosteriorModel
{
    private readonly double[] _xNorm;   // n×d training inputs in normalized coordinates
    private readonly double[] _yStd;    // standardized outcomes
    private readonly double[]? _fixedNoise; // per-point noise in standardized units, null when learned
    private readonly double[][] _sqDiff; // per dimension (or one summed when isotropic): (x_ik - x_jk)^2, n×n
    private readonly double[] _inputLow, _inputRange;
    private double[] _chol = [];        // lower Cholesky factor of K + noise
    private double[] _alpha = [];       // (K + noise)^{-1} (y - mean)
    private double[] _xScaled = [];     // normalized inputs divided by the length scales
    private double[] _xScaledSq = [];   // squared row norms of _xScaled

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
    /// <summary>Fitted length scales, in normalized input units (one, or one per dimension).</summary>
    public double[] Lengthscales { get; private set; } = [];
    /// <summary>Fitted output scale (kernel variance).</summary>
    public double OutputScale { get; private set; } = 1;
    /// <summary>Learned homoscedastic noise variance in standardized units (NaN for a fixed-noise model).</summary>
    public double Noise { get; private set; } = double.NaN;
    /// <summary>Fitted constant mean, in standardized units.</summary>
    public double MeanConstant { get; private set; }
    /// <summary>Marginal log likelihood of the standardized outcomes at the fitted hyperparameters.</summary>
    public double LogMarginalLikelihood { get; private set; }
    /// <summary>Fitted objective: marginal log likelihood plus log priors (equal to the likelihood without priors).</summary>
    public double LogPosterior { get; private set; }
    /// <summary>Optimized vector (log length scales, log output scale, log noise, mean), for warm starts.</summary>
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
                scale = Math.Sqrt(ss / (options.UnbiasedStandardDeviation ? n - 1 : n));
            }
            if (!(scale > 1e-12)) scale = 1;
        }
        OutcomeMean = mean;
        OutcomeScale = scale;
        _yStd = y.Select(v => (v - mean) / scale).ToArray();
        if (options.TrainYVariance is { } yvar)
        {
            if (yvar.Length != n) throw new ArgumentException($"expected {n} observation noise variances, got {yvar.Length}", nameof(options));
            _fixedNoise = yvar.Select(v => v >= 0 ? Math.Max(v / (scale * scale), 1e-12)
                : throw new ArgumentException($"observation noise variances must be non-negative, got {v}", nameof(options))).ToArray();
        }
        else if (options.FixedNoise is { } fixedNoise) _fixedNoise = Enumerable.Repeat(fixedNoise, n).ToArray();

        int groups = options.Ard ? d : 1;
        _sqDiff = new double[groups][];
        for (int gIdx = 0; gIdx < groups; gIdx++) _sqDiff[gIdx] = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < d; k++)
                {
                    double diff = _xNorm[i * d + k] - _xNorm[j * d + k];
                    _sqDiff[options.Ard ? k : 0][i * n + j] += diff * diff;
                }
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
        var starts = new List<double[]> { Options.InitialHyperparameters is { } warm && warm.Length == lower.Length ? (double[])warm.Clone() : DefaultHyperparameters() };
        var rng = new Generator(Options.Seed);
        for (int r = 0; r < Options.NumRestarts; r++)
        {
            var start = DefaultHyperparameters();
            for (int i = 0; i < start.Length; i++) start[i] = lower[i] + (upper[i] - lower[i]) * rng.NextDouble();
            if (Options.LearnMean) start[^1] = 0;
            starts.Add(start);
        }
        double[]? best = null;
        double bestValue = double.PositiveInfinity;
        foreach (var start in starts)
        {
            var result = new BoundedLbfgs { MaxIterations = Options.MaxIterations }.Minimize((theta, grad) => NegativeObjective(theta, grad), start, lower, upper);
            if (double.IsFinite(result.Value) && result.Value < bestValue) { bestValue = result.Value; best = result.X; }
        }
        if (best is null)
            throw new InvalidOperationException("fitting the GP failed from every starting point (the kernel matrix is not positive definite); rescale the inputs or add noise");
        SetHyperparameters(best);
    }

    private int LengthscaleCount => Options.Ard ? Dimension : 1;
    private int OutputScaleIndex => Options.LearnOutputScale ? LengthscaleCount : -1;
    private int NoiseIndex => _fixedNoise is null ? LengthscaleCount + (Options.LearnOutputScale ? 1 : 0) : -1;
    private int MeanIndex => Options.LearnMean ? LengthscaleCount + (Options.LearnOutputScale ? 1 : 0) + (_fixedNoise is null ? 1 : 0) : -1;
    private int ParameterCount => LengthscaleCount + (Options.LearnOutputScale ? 1 : 0) + (_fixedNoise is null ? 1 : 0) + (Options.LearnMean ? 1 : 0);

    private (double[] Lower, double[] Upper) HyperparameterBounds()
    {
        int p = ParameterCount;
        var lower = new double[p]; var upper = new double[p];
        for (int i = 0; i < LengthscaleCount; i++) { lower[i] = Math.Log(Options.LengthscaleBounds.Low); upper[i] = Math.Log(Options.LengthscaleBounds.High); }
        if (OutputScaleIndex >= 0) { lower[OutputScaleIndex] = Math.Log(Options.OutputScaleBounds.Low); upper[OutputScaleIndex] = Math.Log(Options.OutputScaleBounds.High); }
        if (NoiseIndex >= 0)
        {
            lower[NoiseIndex] = Math.Log(Math.Max(Options.NoiseBounds.Low, Options.NoiseFloor));
            upper[NoiseIndex] = Math.Log(Options.NoiseBounds.High);
        }
        if (MeanIndex >= 0) { lower[MeanIndex] = -10; upper[MeanIndex] = 10; }
        return (lower, upper);
    }

    /// <summary>Length scale 0.5 (unit-cube inputs) or 1 (raw inputs), output scale 1, noise 0.01, mean 0.</summary>
    private double[] DefaultHyperparameters()
    {
        var theta = new double[ParameterCount];
        for (int i = 0; i < LengthscaleCount; i++) theta[i] = Math.Log(Options.NormalizeInputs ? 0.5 : 1.0);
        if (OutputScaleIndex >= 0) theta[OutputScaleIndex] = 0;
        if (NoiseIndex >= 0) theta[NoiseIndex] = Math.Log(Math.Max(1e-2, Options.NoiseFloor));
        var (lower, upper) = HyperparameterBounds();
        for (int i = 0; i < theta.Length; i++) theta[i] = Math.Clamp(theta[i], lower[i], upper[i]);
        return theta;
    }
}
