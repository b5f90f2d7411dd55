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
/// </summary>
public sealed partial class GaussianProcessRegressor
{
    private double[]? _xTrain, _alpha, _l;
    private int _n, _d;
    private double _yMean, _yStd = 1;
    private readonly List<string> _warnings = [];

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

    /// <summary>The kernel given to the constructor (never modified; Fit works on a clone).</summary>
    public Kernel Kernel { get; }
    public double Alpha { get; }
    public bool NormalizeY { get; }
    public int NRestartsOptimizer { get; }
    public ulong Seed { get; }
    public bool Optimize { get; }

    /// <summary>The kernel with fitted hyperparameters (scikit-learn's kernel_); null before Fit.</summary>
    public Kernel? FittedKernel { get; private set; }
    public double LogMarginalLikelihoodValue { get; private set; } = double.NaN;
    /// <summary>Jitter added to the diagonal in the final factorization (0 when none was needed).</summary>
    public double Jitter { get; private set; }
    public IReadOnlyList<string> Warnings => _warnings;
    /// <summary>Optimizer runs (start point first): final negative objective and message.</summary>
    public IReadOnlyList<BoundedLbfgsResult> OptimizerResults { get; private set; } = [];
    public bool IsFitted => FittedKernel is not null;

    public GaussianProcessRegressor Fit(Tensor x, Tensor y) => Fit(GpInput.ToMatrix(x, nameof(x)), GpInput.Vector(y, nameof(y)));

    public GaussianProcessRegressor Fit(double[,] x, double[] y)
    {
        var (xd, n, d) = GpInput.Matrix(x, nameof(x));
        var yv = GpInput.Vector(y, nameof(y));
        if (yv.Length != n) throw new ArgumentException($"y must have one target per row of X ({n}), got {yv.Length}", nameof(y));
        _warnings.Clear();
        _xTrain = xd; _n = n; _d = d;
        if (NormalizeY)
        {
            _yMean = yv.Average();
            double v = 0;
            foreach (double t in yv) v += (t - _yMean) * (t - _yMean);
            _yStd = Math.Sqrt(v / n);
            if (_yStd == 0) _yStd = 1; // constant targets: scikit-learn leaves the scale alone
            for (int i = 0; i < n; i++) yv[i] = (yv[i] - _yMean) / _yStd;
        }
        else { _yMean = 0; _yStd = 1; }
        var kernel = Kernel.Clone();
        var lml = new MarginalLikelihood(kernel, xd, n, d, yv, Alpha);
        double[]? chosen = Optimize && kernel.ThetaCount > 0 ? OptimizeHyperparameters(kernel, lml) : null;
        FittedKernel = kernel;
        // Final factorization at the chosen hyperparameters, with the jitter ladder (the optimizer's last factor when it
        // was taken at exactly these hyperparameters).
        double factoredJitter = 0;
        _l = chosen is null ? null : lml.TakeFactorAt(chosen, out factoredJitter);
        if (_l is not null) Jitter = factoredJitter;
        else
        {
            var k = new double[n * n];
            kernel.EvaluateSymmetric(xd, n, d, k);
            for (int i = 0; i < n; i++) k[i * n + i] += Alpha;
            _l = new double[n * n];
            Jitter = GpLinalg.CholeskyWithJitter(k, n, _l);
            if (double.IsNaN(Jitter)) throw new InvalidOperationException(GpLinalg.CholeskyFailureMessage(n));
        }
        if (Jitter > 0)
            AddWarning($"kernel matrix was not numerically positive definite; added jitter {Jitter:G3} to its diagonal (duplicated inputs without noise?)");
        _alpha = (double[])yv.Clone();
        DenseLinalg.CholeskySolveInPlace(_l, n, _alpha, 1);
        double dot = 0;
        for (int i = 0; i < n; i++) dot += yv[i] * _alpha[i];
        LogMarginalLikelihoodValue = -0.5 * dot - 0.5 * DenseLinalg.LogDetFromCholesky(_l, n) - 0.5 * n * Math.Log(2 * Math.PI);
        return this;
    }

    private void AddWarning(string message)
    {
        _warnings.Add(message);
        System.Diagnostics.Trace.TraceWarning(message);
    }

    /// <summary>Sets the kernel's theta to the best optimizer result and returns it (as the optimizer saw it).</summary>
    private double[] OptimizeHyperparameters(Kernel kernel, MarginalLikelihood lml)
    {
        var bounds = kernel.Bounds;
        int p = kernel.ThetaCount;
        var lower = new double[p];
        var upper = new double[p];
        for (int i = 0; i < p; i++) { lower[i] = bounds[i, 0]; upper[i] = bounds[i, 1]; }
        bool priors = kernel.HasPriors;
        double Objective(double[] theta, double[]? grad)
        {
            double v = lml.Evaluate(theta, grad);
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
        var optimizer = new BoundedLbfgs();
        var results = new List<BoundedLbfgsResult> { optimizer.MinimizeWithLazyGradient(Objective, kernel.Theta, lower, upper) };
        if (NRestartsOptimizer > 0)
        {
            for (int i = 0; i < p; i++)
                if (!double.IsFinite(lower[i]) || !double.IsFinite(upper[i]))
                    throw new InvalidOperationException("restarts of the optimizer need finite hyperparameter bounds");
            var rng = new Generator(Seed);
            for (int r = 0; r < NRestartsOptimizer; r++)
            {
                var start = new double[p];
                for (int i = 0; i < p; i++) start[i] = lower[i] + rng.NextDouble() * (upper[i] - lower[i]);
                results.Add(optimizer.MinimizeWithLazyGradient(Objective, start, lower, upper));
            }
        }
        OptimizerResults = results;
        var best = results.Where(r => double.IsFinite(r.Value)).MinBy(r => r.Value)
            ?? throw new InvalidOperationException(GpLinalg.CholeskyFailureMessage(lml.N) + " (the log marginal likelihood was not finite at any optimizer start)");
        kernel.Theta = best.X;
        return best.X;
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
        var y = TrainingTargetsNormalized();
        var lml = new MarginalLikelihood(kernel, _xTrain, _n, _d, y, Alpha);
        gradient = new double[theta.Length];
        return lml.Evaluate(theta, computeGradient ? gradient : null);
    }

    private double[] TrainingTargetsNormalized()
    {
        // y = K α with K = k(X) + alpha·I (+ jitter): recover the training targets without storing a second copy.
        var k = new double[_n * _n];
        FittedKernel!.EvaluateSymmetric(_xTrain, _n, _d, k);
        for (int i = 0; i < _n; i++) k[i * _n + i] += Alpha + Jitter;
        var y = new double[_n];
        Gemm.Multiply(false, false, _n, 1, _n, 1.0, k, _n, _alpha, 1, 0.0, y, 1);
        return y;
    }
}
