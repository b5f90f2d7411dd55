using Overfit.Optim;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Exact Gaussian process regression with scikit-learn's GaussianProcessRegressor semantics: <c>alpha</c> is added to
/// the diagonal of K, <c>normalizeY</c> standardizes targets (mean and standard deviation), and Fit maximizes the
/// log marginal likelihood over the kernel's log-hyperparameters with bounded L-BFGS from the kernel's theta plus
/// <c>nRestartsOptimizer</c> log-uniform draws inside the bounds. Priors on hyperparameters, when present, turn the
/// objective into the log posterior (MAP); <see cref="LogMarginalLikelihoodValue"/> always reports the likelihood.
/// Exact inference holds two n×n Float64 matrices and costs O(n³) per likelihood evaluation, so Fit refuses more than
/// <see cref="MaxRows"/> rows (default <see cref="DefaultMaxRows"/>: 1.5 GB of matrices, minutes per optimizer start)
/// up front, before allocating, with the memory and work it would need; subsample or use a sparse GP above that.
/// </summary>
public sealed partial class GaussianProcessRegressor
{
    private double[]? _xTrain, _alpha, _l;
    private int _n, _d;
    private double _yMean, _yStd = 1;
    private readonly List<string> _warnings = [];

    /// <summary>An exact GP regressor (like sklearn.gaussian_process.GaussianProcessRegressor).</summary>
    /// <param name="kernel">Prior covariance (default: fixed 1.0·RBF(1.0)).</param>
    /// <param name="alpha">Noise variance added to K's diagonal, ≥ 0 (default 1e-10).</param>
    /// <param name="normalizeY">Standardize targets before fitting.</param>
    /// <param name="nRestartsOptimizer">Extra optimizer starts drawn log-uniformly within the bounds (default 0).</param>
    /// <param name="seed">Seed of the restarts.</param>
    /// <param name="optimize">Fit the kernel's hyperparameters (false: keep them).</param>
    /// <exception cref="ArgumentOutOfRangeException">alpha is negative or infinite, or nRestartsOptimizer is negative.</exception>
    public GaussianProcessRegressor(Kernel? kernel = null, double alpha = 1e-10, bool normalizeY = false,
        int nRestartsOptimizer = 0, ulong seed = 0, bool optimize = true)
    {
        if (!(alpha >= 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha must be finite and >= 0, got {alpha}");
        if (nRestartsOptimizer < 0) throw new ArgumentOutOfRangeException(nameof(nRestartsOptimizer), $"nRestartsOptimizer must be >= 0, got {nRestartsOptimizer}");
        Kernel = kernel ?? new ConstantKernel(1.0, isFixed: true) * new RBF(1.0, isFixed: true);
        Alpha = alpha;
        NormalizeY = normalizeY;
        NRestartsOptimizer = nRestartsOptimizer;
        Seed = seed;
        Optimize = optimize;
    }

    /// <summary>The default of <see cref="MaxRows"/>: two 10,000×10,000 Float64 matrices take 1.5 GB.</summary>
    public const int DefaultMaxRows = 10_000;

    /// <summary>Most training rows Fit accepts for exact inference (raise it knowingly: memory grows as n², time as n³).</summary>
    public int MaxRows
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRows), $"MaxRows must be >= 1, got {value}");
    } = DefaultMaxRows;

    /// <summary>
    /// Called during Fit after every log-marginal-likelihood evaluation of the optimizer (for progress displays);
    /// null by default.
    /// </summary>
    public IProgress<FitProgress>? Progress { get; init; }

    /// <summary>
    /// Per-sample noise (scikit-learn's array alpha): alpha[i] is added to K's i-th diagonal entry, so noisier
    /// observations count less. Fit checks that there is one value per training sample.
    /// </summary>
    public GaussianProcessRegressor(Kernel? kernel, double[] alpha, bool normalizeY = false, int nRestartsOptimizer = 0, ulong seed = 0, bool optimize = true)
        : this(kernel, 0.0, normalizeY, nRestartsOptimizer, seed, optimize)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        for (int i = 0; i < alpha.Length; i++)
            if (!(alpha[i] >= 0) || double.IsInfinity(alpha[i]))
                throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha must be finite and >= 0, got {alpha[i]} at index {i}");
        AlphaPerSample = (double[])alpha.Clone();
    }

    /// <summary>The kernel given to the constructor (never modified; Fit works on a clone).</summary>
    public Kernel Kernel { get; }
    /// <summary>Noise added to every diagonal entry of K (0 when <see cref="AlphaPerSample"/> is given).</summary>
    public double Alpha { get; }
    /// <summary>Noise per training sample, or null when one <see cref="Alpha"/> serves all.</summary>
    public double[]? AlphaPerSample { get; }
    /// <summary>Whether targets are standardized before fitting.</summary>
    public bool NormalizeY { get; }
    /// <summary>Extra optimizer starts per fit.</summary>
    public int NRestartsOptimizer { get; }
    /// <summary>Seed of the restarts.</summary>
    public ulong Seed { get; }
    /// <summary>Whether Fit optimizes the hyperparameters.</summary>
    public bool Optimize { get; }

    /// <summary>The kernel with fitted hyperparameters (scikit-learn's kernel_); null before Fit.</summary>
    public Kernel? FittedKernel { get; private set; }
    /// <summary>The fitted kernel as a list (empty before Fit), named like <see cref="GaussianProcessClassifier.FittedKernels"/>.</summary>
    public IReadOnlyList<Kernel> FittedKernels => FittedKernel is null ? [] : [FittedKernel];
    /// <summary>Log marginal likelihood at the fitted hyperparameters (NaN before Fit).</summary>
    public double LogMarginalLikelihoodValue { get; private set; } = double.NaN;
    /// <summary>Jitter added to the diagonal in the final factorization (0 when none was needed).</summary>
    public double Jitter { get; private set; }
    /// <summary>Warnings of the last Fit, e.g. hyperparameters that ended on a bound (scikit-learn's ConvergenceWarning).</summary>
    public IReadOnlyList<string> Warnings => _warnings;
    /// <summary>Optimizer runs (start point first): final negative objective and message.</summary>
    public IReadOnlyList<BoundedLbfgsResult> OptimizerResults { get; private set; } = [];
    /// <summary>True once Fit has run.</summary>
    public bool IsFitted => FittedKernel is not null;

    /// <summary>Fits y of shape [n], or [n, t] for t targets sharing one kernel.</summary>
    public GaussianProcessRegressor Fit(Tensor x, Tensor y) => y is { Rank: 2 } && y.Size(1) > 1
        ? Fit(GpInput.ToMatrix(x, nameof(x)), GpInput.ToMatrix(y, nameof(y)))
        : Fit(GpInput.ToMatrix(x, nameof(x)), GpInput.Vector(y, nameof(y)));

    /// <summary>Fits on x (n×d) and y (n values).</summary>
    /// <exception cref="ArgumentException">Shapes do not match, values are not finite, or n exceeds <see cref="MaxRows"/>.</exception>
    public GaussianProcessRegressor Fit(double[,] x, double[] y)
    {
        var (xd, n, d) = GpInput.Matrix(x, nameof(x));
        var yv = GpInput.Vector(y, nameof(y));
        if (yv.Length != n) throw new ArgumentException($"y must have one target per row of X ({n}), got {yv.Length}", nameof(y));
        if (AlphaPerSample is { } perSample && perSample.Length != n)
            throw new ArgumentException($"alpha must hold one noise value per training sample ({n}), got {perSample.Length}", "alpha");
        ExactInference.EnsureFeasible(n, MaxRows, squareBuffers: 2, nameof(GaussianProcessRegressor), nameof(x));
        _warnings.Clear();
        _xTrain = xd; _n = n; _d = d;
        (_yMean, _yStd) = Standardize(yv);
        var kernel = Kernel.Clone();
        var lml = new MarginalLikelihood(kernel, xd, n, d, yv, Alpha, AlphaPerSample);
        double[]? chosen = Optimize && kernel.ThetaCount > 0 ? OptimizeHyperparameters(kernel, lml.Evaluate, n) : null;
        FactorFinal(kernel, lml, chosen);
        _alpha = (double[])yv.Clone();
        DenseLinalg.CholeskySolveInPlace(_l!, n, _alpha, 1);
        _targets = null;
        LogMarginalLikelihoodValue = DataFit(yv, _alpha) - 0.5 * DenseLinalg.LogDetFromCholesky(_l!, n) - 0.5 * n * Math.Log(2 * Math.PI);
        return this;
    }

    /// <summary>With <see cref="NormalizeY"/>, subtracts the mean and divides by the standard deviation in place; returns both (0 and 1 otherwise).</summary>
    private (double Mean, double Std) Standardize(double[] y) => GpInput.StandardizeTargets(y, NormalizeY);

    /// <summary>−½ yᵀα, the data-fit term of the log marginal likelihood.</summary>
    private static double DataFit(double[] y, double[] alpha)
    {
        double dot = 0;
        for (int i = 0; i < y.Length; i++) dot += y[i] * alpha[i];
        return -0.5 * dot;
    }

    /// <summary>
    /// Sets <see cref="FittedKernel"/> and factors K + noise at the chosen hyperparameters with the jitter ladder (taking the
    /// optimizer's last factor when it was computed at exactly these hyperparameters).
    /// </summary>
    private void FactorFinal(Kernel kernel, MarginalLikelihood lml, double[]? chosen)
    {
        FittedKernel = kernel;
        int n = _n;
        if (chosen is not null) foreach (var warning in kernel.BoundWarnings()) AddWarning(warning);
        double factoredJitter = 0;
        _l = chosen is null ? null : lml.TakeFactorAt(chosen, out factoredJitter);
        if (_l is not null) Jitter = factoredJitter;
        else
        {
            var k = new double[ExactInference.Elements(n, n, "x")];
            kernel.EvaluateSymmetric(_xTrain, n, _d, k);
            for (int i = 0; i < n; i++) k[i * n + i] += Alpha + (AlphaPerSample?[i] ?? 0);
            _l = new double[k.Length];
            Jitter = GpLinalg.CholeskyWithJitter(k, n, _l);
            if (double.IsNaN(Jitter)) throw new InvalidOperationException(GpLinalg.CholeskyFailureMessage(n));
        }
        if (Jitter > 0)
            AddWarning($"kernel matrix was not numerically positive definite; added jitter {Jitter:G3} to its diagonal (duplicated inputs without noise?)");
    }

    private void AddWarning(string message)
    {
        _warnings.Add(message);
        System.Diagnostics.Trace.TraceWarning(message);
    }

    /// <summary>Sets the kernel's theta to the best optimizer result and returns it (as the optimizer saw it).</summary>
    private double[] OptimizeHyperparameters(Kernel kernel, Func<double[], double[]?, double> logMarginalLikelihood, int n)
    {
        var bounds = kernel.Bounds;
        int p = kernel.ThetaCount;
        var lower = new double[p];
        var upper = new double[p];
        for (int i = 0; i < p; i++) { lower[i] = bounds[i, 0]; upper[i] = bounds[i, 1]; }
        bool priors = kernel.HasPriors;
        int starts = NRestartsOptimizer + 1, start = 1, evaluations = 0;
        double best = double.NegativeInfinity;
        double Objective(double[] theta, double[]? grad)
        {
            double v = logMarginalLikelihood(theta, grad);
            evaluations++;
            if (double.IsFinite(v)) best = Math.Max(best, v);
            Progress?.Report(new FitProgress(start, starts, evaluations, best));
            if (!double.IsFinite(v)) return double.PositiveInfinity;
            if (priors) v += kernel.LogPrior();
            if (grad is null) return -v;
            if (priors)
            {
                var pg = kernel.LogPriorGradient();
                for (int i = 0; i < p; i++) grad[i] += pg[i];
            }
            for (int i = 0; i < p; i++) grad[i] = -grad[i];
            return -v;
        }
        var optimizer = new BoundedLbfgs { Extrapolation = true };
        var results = new List<BoundedLbfgsResult> { optimizer.MinimizeWithLazyGradient(Objective, kernel.Theta, lower, upper) };
        if (NRestartsOptimizer > 0)
        {
            for (int i = 0; i < p; i++)
                if (!double.IsFinite(lower[i]) || !double.IsFinite(upper[i]))
                    throw new InvalidOperationException("restarts of the optimizer need finite hyperparameter bounds");
            var rng = new Generator(Seed);
            for (int r = 0; r < NRestartsOptimizer; r++)
            {
                var x0 = new double[p];
                for (int i = 0; i < p; i++) x0[i] = lower[i] + rng.NextDouble() * (upper[i] - lower[i]);
                start = r + 2;
                results.Add(optimizer.MinimizeWithLazyGradient(Objective, x0, lower, upper));
            }
        }
        OptimizerResults = results;
        var chosen = results.Where(r => double.IsFinite(r.Value)).MinBy(r => r.Value)
            ?? throw new InvalidOperationException(GpLinalg.CholeskyFailureMessage(n) + " (the log marginal likelihood was not finite at any optimizer start)");
        kernel.Theta = chosen.X;
        return chosen.X;
    }

    /// <summary>Log marginal likelihood of the training data at <paramref name="theta"/> (the fitted kernel's theta when null).</summary>
    public double LogMarginalLikelihood(double[]? theta = null) => LogMarginalLikelihood(theta, out _, computeGradient: false);

    /// <summary>Log marginal likelihood and its gradient with respect to theta.</summary>
    public double LogMarginalLikelihood(double[]? theta, out double[] gradient) => LogMarginalLikelihood(theta, out gradient, computeGradient: true);

    private double LogMarginalLikelihood(double[]? theta, out double[] gradient, bool computeGradient)
    {
        if (FittedKernel is null || _xTrain is null) throw new InvalidOperationException("call Fit before LogMarginalLikelihood");
        var kernel = FittedKernel.Clone();
        theta ??= kernel.Theta;
        if (theta.Length != kernel.ThetaCount)
            throw new ArgumentException($"theta must have {kernel.ThetaCount} entries, got {theta.Length}", nameof(theta));
        gradient = new double[theta.Length];
        double total = 0;
        var part = new double[theta.Length];
        foreach (var alpha in _targets ?? [_alpha!])
        {
            var lml = new MarginalLikelihood(kernel, _xTrain, _n, _d, TrainingTargetsNormalized(alpha), Alpha, AlphaPerSample);
            total += lml.Evaluate(theta, computeGradient ? part : null);
            if (computeGradient) for (int i = 0; i < part.Length; i++) gradient[i] += part[i];
        }
        return total;
    }

    private double[] TrainingTargetsNormalized(double[] alpha)
    {
        // y = K α with K = k(X) + alpha·I (+ jitter): recover the training targets without storing a second copy.
        var k = new double[ExactInference.Elements(_n, _n, "K")];
        FittedKernel!.EvaluateSymmetric(_xTrain, _n, _d, k);
        for (int i = 0; i < _n; i++) k[i * _n + i] += Alpha + (AlphaPerSample?[i] ?? 0) + Jitter;
        var y = new double[_n];
        Gemm.Multiply(false, false, _n, 1, _n, 1.0, k, _n, alpha, 1, 0.0, y, 1);
        return y;
    }
}
