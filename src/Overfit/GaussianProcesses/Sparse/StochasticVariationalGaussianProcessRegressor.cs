using Overfit.Optim;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Stochastic variational GP regression (SVGP, Hensman et al. 2013) for data too large for one pass per step: M
/// inducing inputs Z, a whitened variational posterior q(L⁻¹u) = N(m, L_S L_Sᵀ), and the ELBO estimated on seeded
/// minibatches (scaled by n/|B|) and maximized with Adam over m, L_S, the kernel's log-hyperparameters (kept inside
/// their bounds) and Z. The estimator contract matches <see cref="SparseGaussianProcessRegressor"/>: the noise is the
/// kernel's top-level WhiteKernel level plus alpha, <c>normalizeY</c> standardizes targets, Z starts at a seeded
/// k-means++ choice of rows, and the same seed gives the same fit.
/// </summary>
public sealed class StochasticVariationalGaussianProcessRegressor
{
    private readonly double[]? _initialInducing;
    private InducingPredictor? _predictor;

    /// <param name="kernel">Covariance with its noise as a top-level WhiteKernel summand (default: ConstantKernel·RBF + WhiteKernel).</param>
    /// <param name="nInducing">Number of inducing points M (1 ≤ M ≤ n).</param>
    /// <param name="batchSize">Rows per minibatch (capped at n; n gives full-batch training).</param>
    /// <param name="iterations">Adam steps (one minibatch each; minibatches sweep a fresh seeded permutation every epoch).</param>
    /// <param name="learningRate">Adam's learning rate for every parameter.</param>
    /// <param name="alpha">Extra fixed noise variance added to the WhiteKernel's level.</param>
    /// <param name="normalizeY">Standardize targets by their mean and standard deviation before fitting.</param>
    /// <param name="seed">Seed of the k-means++ initialization and of the minibatch order.</param>
    /// <param name="optimizeHyperparameters">Train the kernel's θ (false: only q and, if enabled, Z).</param>
    /// <param name="optimizeInducing">Train the inducing inputs.</param>
    /// <param name="jitter">Added to K_uu's diagonal (the jitter ladder adds more only when needed).</param>
    /// <param name="inducingPoints">Initial inducing inputs (M×d) instead of k-means++.</param>
    /// <param name="annealLearningRate">
    /// Decay the step size to zero along a cosine over the iterations (CosineAnnealingLR), so the minibatch noise averages
    /// out and the iterate settles (decreasing steps, as stochastic approximation needs); false keeps it constant.
    /// </param>
    public StochasticVariationalGaussianProcessRegressor(Kernel? kernel = null, int nInducing = 100, int batchSize = 256,
        int iterations = 1000, double learningRate = 0.01, double alpha = 1e-10, bool normalizeY = false, ulong seed = 0,
        bool optimizeHyperparameters = true, bool optimizeInducing = true, double jitter = 1e-6, double[,]? inducingPoints = null,
        bool annealLearningRate = true)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be >= 1, got {batchSize}");
        if (iterations < 0) throw new ArgumentOutOfRangeException(nameof(iterations), $"iterations must be >= 0, got {iterations}");
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"learningRate must be finite and > 0, got {learningRate}");
        (_initialInducing, nInducing) = SparseSetup.Settings(alpha, jitter, nInducing, inducingPoints);
        Kernel = kernel ?? new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(1.0);
        SparseKernelParts.Split(Kernel, nameof(kernel));
        NInducing = nInducing; BatchSize = batchSize; Iterations = iterations; LearningRate = learningRate; Alpha = alpha;
        AnnealLearningRate = annealLearningRate; NormalizeY = normalizeY; Seed = seed; OptimizeHyperparameters = optimizeHyperparameters; OptimizeInducing = optimizeInducing; Jitter = jitter;
    }

    /// <summary>The kernel given to the constructor (never modified; Fit works on a clone).</summary>
    public Kernel Kernel { get; }
    /// <summary>Number of inducing points M.</summary>
    public int NInducing { get; }
    /// <summary>Rows per minibatch.</summary>
    public int BatchSize { get; }
    /// <summary>Number of Adam steps.</summary>
    public int Iterations { get; }
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; }
    /// <summary>Extra fixed noise variance.</summary>
    public double Alpha { get; }
    /// <summary>Whether targets are standardized before fitting.</summary>
    public bool NormalizeY { get; }
    /// <summary>Seed of the initialization and of the minibatch order.</summary>
    public ulong Seed { get; }
    /// <summary>Whether the kernel's hyperparameters are trained.</summary>
    public bool OptimizeHyperparameters { get; }
    /// <summary>Whether the inducing inputs are trained.</summary>
    public bool OptimizeInducing { get; }
    /// <summary>Jitter added to K_uu's diagonal.</summary>
    public double Jitter { get; }
    /// <summary>Whether the learning rate decays along a cosine.</summary>
    public bool AnnealLearningRate { get; }

    /// <summary>The kernel with trained hyperparameters; null before Fit.</summary>
    public Kernel? FittedKernel { get; private set; }

    /// <summary>Trained inducing inputs (M×d); null before Fit.</summary>
    public double[,]? InducingInputs { get; private set; }

    /// <summary>Variational mean m of the whitened inducing values (M).</summary>
    public double[]? VariationalMean { get; private set; }

    /// <summary>Lower-triangular factor L_S of the whitened variational covariance (M×M).</summary>
    public double[,]? VariationalCovarianceFactor { get; private set; }

    /// <summary>The minibatch ELBO estimate at every step (the training curve), on normalized targets.</summary>
    public IReadOnlyList<double> ElboHistory { get; private set; } = [];

    /// <summary>The full-data ELBO at the trained state, on normalized targets (≤ the SGPR bound at the same θ and Z).</summary>
    public double ElboValue { get; private set; } = double.NaN;

    /// <summary>True once Fit has run.</summary>
    public bool IsFitted => FittedKernel is not null;

    /// <summary>Fits on x [n, d] and y [n].</summary>
    public StochasticVariationalGaussianProcessRegressor Fit(Tensor x, Tensor y) => Fit(GpInput.ToMatrix(x, nameof(x)), GpInput.Vector(y, nameof(y)));

    /// <summary>Fits on x (n×d) and y (n values) by Adam on the minibatch ELBO.</summary>
    public StochasticVariationalGaussianProcessRegressor Fit(double[,] x, double[] y)
    {
        int m = NInducing;
        var rng = new Generator(Seed);
        var (xd, n, d, yv, yMean, yStd, z0) = SparseSetup.Prepare(x, y, m, _initialInducing, NormalizeY, rng);
        var parts = SparseKernelParts.Split(Kernel.Clone(), "kernel");
        var elbo = new VariationalElbo(parts, xd, n, d, yv, m, Alpha, Jitter);
        var theta = Tensor.FromArray(parts.Kernel.Theta, requiresGrad: true);
        var z = Tensor.FromArray(z0, [m, d], requiresGrad: true);
        var qMu = Tensor.Zeros([m], DType.Float64, requiresGrad: true);
        var qSqrt = Tensor.Eye(m, dtype: DType.Float64);
        qSqrt.RequiresGrad = true;
        var trained = new List<Tensor> { qMu, qSqrt };
        if (OptimizeHyperparameters && theta.Numel > 0) trained.Add(theta);
        if (OptimizeInducing) trained.Add(z);
        var adam = new Adam(trained, lr: LearningRate);
        var schedule = AnnealLearningRate && Iterations > 0 ? new CosineAnnealingLR(adam, tMax: Iterations) : null;
        var bounds = parts.Kernel.Bounds;
        int b = Math.Min(BatchSize, n);
        var order = rng.Permutation(n);
        int cursor = 0;
        var history = new List<double>(Iterations);
        var gTheta = new double[theta.Numel];
        var gZ = new double[m * d];
        for (int step = 0; step < Iterations; step++)
        {
            if (cursor + b > n) { order = rng.Permutation(n); cursor = 0; }
            var batch = b == n ? null : order[cursor..(cursor + b)];
            cursor += b;
            adam.ZeroGrad();
            double value = elbo.Evaluate(theta.ToDoubleArray(), z.ToDoubleArray(), qMu, qSqrt, batch, gTheta, gZ);
            if (!double.IsFinite(value))
                throw new InvalidOperationException($"the SVGP ELBO is not finite at step {step} (K_uu of the inducing inputs cannot be factored even with jitter); lower learningRate or bound the length scales");
            history.Add(value);
            // Adam minimizes: hand it the gradients of −ELBO.
            qMu.Grad = qMu.Grad!.Neg();
            qSqrt.Grad = qSqrt.Grad!.Neg();
            theta.Grad = Tensor.FromArray(gTheta.Select(g => -g).ToArray());
            z.Grad = Tensor.FromArray(gZ.Select(g => -g).ToArray(), [m, d]);
            adam.Step();
            schedule?.Step();
            var t = theta.AsSpan<double>();
            for (int i = 0; i < t.Length; i++) t[i] = Math.Clamp(t[i], bounds[i, 0], bounds[i, 1]);
        }
        var thetaFinal = theta.ToDoubleArray();
        var zFinal = z.ToDoubleArray();
        ElboValue = elbo.Evaluate(thetaFinal, zFinal, qMu.Detach(), qSqrt.Detach(), null, null, null);
        ElboHistory = history;
        parts.Kernel.Theta = thetaFinal;
        var mean = qMu.ToDoubleArray();
        var ls = qSqrt.ToDoubleArray();
        for (int i = 0; i < m; i++) for (int j = i + 1; j < m; j++) ls[i * m + j] = 0;
        _predictor = BuildPredictor(parts, zFinal, m, d, mean, ls, yMean, yStd);
        InducingInputs = GpInput.ToMatrix(zFinal, m, d);
        VariationalMean = mean;
        VariationalCovarianceFactor = GpInput.ToMatrix(ls, m, m);
        FittedKernel = parts.Kernel;
        return this;
    }

    /// <summary>The predictor of q: W = L_Sᵀ L⁻¹ and mean weights L⁻ᵀm.</summary>
    private InducingPredictor BuildPredictor(SparseKernelParts parts, double[] z, int m, int d, double[] mean, double[] ls, double yMean, double yStd)
    {
        var kuu = new double[m * m];
        parts.Latent.EvaluateSymmetric(z, m, d, kuu);
        for (int i = 0; i < m; i++) kuu[i * m + i] += Jitter;
        var l = new double[m * m];
        double extra = GpLinalg.CholeskyWithJitter(kuu, m, l);
        if (double.IsNaN(extra)) throw new InvalidOperationException(GpLinalg.CholeskyFailureMessage(m) + " (K_uu of the trained inducing inputs)");
        var lInverse = new double[m * m];
        for (int i = 0; i < m; i++) lInverse[i * m + i] = 1;
        DenseLinalg.SolveLowerInPlace(l, m, lInverse, m);
        var second = new double[m * m];
        Gemm.Multiply(true, false, m, m, m, 1.0, ls, m, lInverse, m, 0.0, second, m);
        var weights = (double[])mean.Clone();
        DenseLinalg.SolveLowerInPlace(l, m, weights, 1, transpose: true);
        return new InducingPredictor(parts, z, m, d, lInverse, second, weights, yMean, yStd);
    }

    /// <summary>
    /// Posterior mean and standard deviation at the rows of X under q; with <paramref name="includeNoise"/> the kernel's
    /// white noise level is added to the variance, as in the exact regressor's Predict.
    /// </summary>
    public (double[] Mean, double[] Std) Predict(double[,] x, bool includeNoise = true) =>
        (_predictor ?? throw new InvalidOperationException("call Fit before Predict")).Predict(x, includeNoise);

    /// <summary>Posterior mean and standard deviation at x [m, d], as Float64 tensors [m].</summary>
    /// <exception cref="InvalidOperationException">Fit has not been called.</exception>
    public (Tensor Mean, Tensor Std) Predict(Tensor x, bool includeNoise = true)
    {
        var (m, s) = Predict(GpInput.ToMatrix(x, nameof(x)), includeNoise);
        return (Tensor.FromArray(m), Tensor.FromArray(s));
    }
}
