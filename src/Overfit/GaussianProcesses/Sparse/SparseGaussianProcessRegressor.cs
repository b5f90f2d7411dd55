using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Sparse Gaussian process regression with inducing points (SGPR): the Titsias (2009) collapsed variational bound
/// replaces the exact marginal likelihood, so Fit costs O(n·M²) per evaluation and never forms an n×n matrix. The
/// estimator contract follows <see cref="GaussianProcessRegressor"/>: the constructor stores settings, <c>normalizeY</c>
/// standardizes targets, <c>alpha</c> is extra noise variance, and Fit maximizes the bound over the kernel's
/// log-hyperparameters (bounded L-BFGS) jointly with the M inducing inputs, which start at a seeded k-means++ choice of
/// training rows. The noise variance is the kernel's top-level WhiteKernel level (plus alpha); Predict reports the
/// latent function's spread plus that white noise, like the exact regressor with the same kernel.
/// </summary>
public sealed partial class SparseGaussianProcessRegressor
{
    private readonly double[]? _initialInducing;
    private readonly List<string> _warnings = [];
    private SparseKernelParts? _parts;
    private double[]? _z, _trainX, _trainY;
    private int _n, _d, _m;
    private double _yMean, _yStd = 1;

    /// <param name="kernel">Covariance with its noise as a top-level WhiteKernel summand (default: ConstantKernel·RBF + WhiteKernel).</param>
    /// <param name="nInducing">Number of inducing points M (1 ≤ M ≤ n).</param>
    /// <param name="alpha">Extra fixed noise variance added to the WhiteKernel's level (scikit-learn's alpha).</param>
    /// <param name="normalizeY">Standardize targets by their mean and standard deviation before fitting.</param>
    /// <param name="seed">Seed of the k-means++ initialization.</param>
    /// <param name="optimize">Maximize the bound (false: keep the given hyperparameters and initial inducing inputs).</param>
    /// <param name="optimizeInducing">Move the inducing inputs with the hyperparameters (false: keep the k-means++ ones).</param>
    /// <param name="maxIter">Iteration limit of the L-BFGS run.</param>
    /// <param name="jitter">Added to K_uu's diagonal (the jitter ladder adds more only when K_uu still cannot be factored).</param>
    /// <param name="inducingPoints">Initial inducing inputs (M×d) instead of k-means++; M is then their row count.</param>
    public SparseGaussianProcessRegressor(Kernel? kernel = null, int nInducing = 100, double alpha = 1e-10, bool normalizeY = false,
        ulong seed = 0, bool optimize = true, bool optimizeInducing = true, int maxIter = 1000, double jitter = 1e-6,
        double[,]? inducingPoints = null)
    {
        if (maxIter < 0) throw new ArgumentOutOfRangeException(nameof(maxIter), $"maxIter must be >= 0, got {maxIter}");
        (_initialInducing, nInducing) = SparseSetup.Settings(alpha, jitter, nInducing, inducingPoints);
        Kernel = kernel ?? new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(1.0);
        SparseKernelParts.Split(Kernel, nameof(kernel));
        NInducing = nInducing;
        Alpha = alpha;
        NormalizeY = normalizeY;
        Seed = seed;
        Optimize = optimize;
        OptimizeInducing = optimizeInducing;
        MaxIter = maxIter;
        Jitter = jitter;
    }

    /// <summary>The kernel given to the constructor (never modified; Fit works on a clone).</summary>
    public Kernel Kernel { get; }
    /// <summary>Number of inducing points M.</summary>
    public int NInducing { get; }
    /// <summary>Extra fixed noise variance.</summary>
    public double Alpha { get; }
    /// <summary>Whether targets are standardized before fitting.</summary>
    public bool NormalizeY { get; }
    /// <summary>Seed of the k-means++ initialization.</summary>
    public ulong Seed { get; }
    /// <summary>Whether Fit maximizes the bound.</summary>
    public bool Optimize { get; }
    /// <summary>Whether the inducing inputs move during the fit.</summary>
    public bool OptimizeInducing { get; }
    /// <summary>Iteration limit of L-BFGS.</summary>
    public int MaxIter { get; }
    /// <summary>Jitter added to K_uu's diagonal.</summary>
    public double Jitter { get; }

    /// <summary>The kernel with fitted hyperparameters; null before Fit.</summary>
    public Kernel? FittedKernel { get; private set; }

    /// <summary>The fitted inducing inputs (M×d); null before Fit.</summary>
    public double[,]? InducingInputs => _z is null ? null : GpInput.ToMatrix(_z, _m, _d);

    /// <summary>The collapsed bound (≤ the exact log marginal likelihood) at the fitted state, on normalized targets.</summary>
    public double ElboValue { get; private set; } = double.NaN;

    /// <summary>Noise variance σ² of the fitted model (WhiteKernel level plus alpha), in normalized units.</summary>
    public double NoiseVariance { get; private set; } = double.NaN;

    /// <summary>Warnings of the last Fit.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The optimizer's run: final negative objective, iterations and message; null without optimization.</summary>
    public BoundedLbfgsResult? OptimizerResult { get; private set; }

    /// <summary>True once Fit has run.</summary>
    public bool IsFitted => FittedKernel is not null;

    /// <summary>Fits on x [n, d] and y [n].</summary>
    public SparseGaussianProcessRegressor Fit(Tensor x, Tensor y) => Fit(GpInput.ToMatrix(x, nameof(x)), GpInput.Vector(y, nameof(y)));

    /// <summary>Fits on x (n×d) and y (n values).</summary>
    public SparseGaussianProcessRegressor Fit(double[,] x, double[] y)
    {
        int m = NInducing;
        var (xd, n, d, yv, yMean, yStd, z) = SparseSetup.Prepare(x, y, m, _initialInducing, NormalizeY, new Generator(Seed));
        _warnings.Clear();
        (_yMean, _yStd) = (yMean, yStd);
        var parts = SparseKernelParts.Split(Kernel.Clone(), "kernel");
        var bound = new TitsiasBound(parts, xd, n, d, yv, m, Alpha, Jitter);
        var theta = parts.Kernel.Theta;
        if (Optimize && (theta.Length > 0 || OptimizeInducing)) (theta, z) = OptimizeBound(parts.Kernel, bound, theta, z);
        _n = n; _d = d; _m = m; _z = z; _parts = parts; _trainX = xd; _trainY = yv;
        ElboValue = bound.Evaluate(theta, z, null, null);
        if (!double.IsFinite(ElboValue)) throw new InvalidOperationException(GpLinalg.CholeskyFailureMessage(m) + " (K_uu of the inducing inputs)");
        if (bound.UsedJitter > Jitter)
            AddWarning($"K_uu was not numerically positive definite; added jitter {bound.UsedJitter:G3} to its diagonal (coincident inducing inputs?)");
        NoiseVariance = Alpha + parts.WhiteNoise;
        BuildPredictor(bound);
        FittedKernel = parts.Kernel;
        return this;
    }

    private void AddWarning(string message)
    {
        _warnings.Add(message);
        System.Diagnostics.Trace.TraceWarning(message);
    }

    /// <summary>Bounded L-BFGS over [θ, vec Z] (θ inside the kernel's bounds, Z free); priors make it MAP like the exact regressor.</summary>
    private (double[] Theta, double[] Z) OptimizeBound(Kernel kernel, TitsiasBound bound, double[] theta0, double[] z0)
    {
        int p = theta0.Length, q = OptimizeInducing ? z0.Length : 0;
        var b = kernel.Bounds;
        var lower = new double[p + q];
        var upper = new double[p + q];
        for (int i = 0; i < p; i++) { lower[i] = b[i, 0]; upper[i] = b[i, 1]; }
        for (int i = p; i < p + q; i++) { lower[i] = double.NegativeInfinity; upper[i] = double.PositiveInfinity; }
        var start = new double[p + q];
        theta0.CopyTo(start, 0);
        if (q > 0) z0.CopyTo(start, p);
        bool priors = kernel.HasPriors;
        var gTheta = new double[p];
        var gZ = new double[z0.Length];
        double Objective(double[] v, double[]? grad)
        {
            var theta = v[..p];
            var z = q > 0 ? v[p..] : z0;
            double f = bound.Evaluate(theta, z, grad is null ? null : gTheta, grad is null ? null : gZ);
            if (!double.IsFinite(f)) return double.PositiveInfinity;
            if (priors) f += kernel.LogPrior();
            if (grad is null) return -f;
            if (priors)
            {
                var pg = kernel.LogPriorGradient();
                for (int i = 0; i < p; i++) gTheta[i] += pg[i];
            }
            for (int i = 0; i < p; i++) grad[i] = -gTheta[i];
            for (int i = 0; i < q; i++) grad[p + i] = -gZ[i];
            return -f;
        }
        var result = new BoundedLbfgs { MaxIterations = MaxIter }.MinimizeWithLazyGradient(Objective, start, lower, upper);
        OptimizerResult = result;
        if (!double.IsFinite(result.Value))
            throw new InvalidOperationException("the sparse GP bound was not finite at the starting point: " + result.Message);
        var thetaBest = result.X[..p];
        kernel.Theta = thetaBest;
        return (thetaBest, q > 0 ? result.X[p..] : z0);
    }

    /// <summary>
    /// The collapsed bound at <paramref name="theta"/> (the fitted kernel's when null) and inducing inputs
    /// <paramref name="inducing"/> (the fitted ones when null), on the training data, with its gradients with respect to
    /// theta and to the inducing inputs (M×d).
    /// </summary>
    public double Elbo(double[]? theta, double[,]? inducing, out double[] thetaGradient, out double[,] inducingGradient)
    {
        var (bound, t, z) = BoundAt(theta, inducing, keepFeatures: true);
        thetaGradient = new double[t.Length];
        var gz = new double[z.Length];
        double v = bound.Evaluate(t, z, thetaGradient, gz);
        inducingGradient = GpInput.ToMatrix(gz, z.Length / _d, _d);
        return v;
    }

    /// <summary>The collapsed bound at <paramref name="theta"/> and <paramref name="inducing"/> (fitted values when null).</summary>
    public double Elbo(double[]? theta = null, double[,]? inducing = null)
    {
        var (bound, t, z) = BoundAt(theta, inducing, keepFeatures: false);
        return bound.Evaluate(t, z, null, null);
    }

    private (TitsiasBound Bound, double[] Theta, double[] Z) BoundAt(double[]? theta, double[,]? inducing, bool keepFeatures)
    {
        if (FittedKernel is null || _trainX is null || _trainY is null) throw new InvalidOperationException("call Fit before Elbo");
        var parts = SparseKernelParts.Split(FittedKernel.Clone(), "kernel");
        theta ??= parts.Kernel.Theta;
        if (theta.Length != parts.Kernel.ThetaCount)
            throw new ArgumentException($"theta must have {parts.Kernel.ThetaCount} entries, got {theta.Length}", nameof(theta));
        double[] z = _z!;
        int m = _m;
        if (inducing is not null)
        {
            (z, m, int d) = GpInput.Matrix(inducing, nameof(inducing));
            if (d != _d) throw new ArgumentException($"inducing must have {_d} columns like X, got {d}", nameof(inducing));
            if (m > _n) throw new ArgumentException($"inducing must have at most {_n} rows (the training rows), got {m}", nameof(inducing));
        }
        // A value alone has no use for the whitened features of a gradient pass: do not allocate them.
        return (new TitsiasBound(parts, _trainX, _n, _d, _trainY, m, Alpha, Jitter, keepFeatures ? TitsiasBound.CacheLimit : 0), theta, z);
    }
}
