using System.Globalization;
using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Exact GP regression on a <see cref="DeepKernel"/>, trained jointly (GPyTorch's exact deep-kernel-learning recipe):
/// network weights, base-kernel log-hyperparameters and the log noise variance follow Adam on the negative exact
/// marginal log likelihood per point. The likelihood and its gradients are Float64: one PSD-safe Cholesky of
/// K(g(X)) + noise·I per epoch, θ and noise gradients from W = ½(ααᵀ − K⁻¹), and ∂/∂g(X) from the kernel's input
/// gradients, which autograd carries back through the feature scaling into the network. Targets are standardized
/// (<c>normalizeY</c>, on by default). A module: the state dict holds the deep kernel ("covar_module.…"), "raw_noise"
/// and, after a fit, the training data ("train_inputs", "train_targets", "target_mean", "target_std"), so a loaded
/// model predicts at once.
/// </summary>
public sealed partial class DeepKernelRegressor : Module
{
    private readonly Tensor _rawNoise;
    private readonly List<double> _history = [];
    private double[]? _yStandardized;
    private GaussianProcessRegressor? _posterior;

    /// <summary>
    /// A regressor over <paramref name="kernel"/> with initial noise variance <paramref name="noise"/> (in standardized
    /// target units when <paramref name="normalizeY"/>), kept at or above <paramref name="noiseLowerBound"/>
    /// (GPyTorch's GaussianLikelihood default constraint, 1e-4).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">noise or noiseLowerBound not positive and finite, or noise below the bound.</exception>
    public DeepKernelRegressor(DeepKernel kernel, double noise = 0.1, bool normalizeY = true, double noiseLowerBound = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (!(noiseLowerBound > 0) || !double.IsFinite(noiseLowerBound))
            throw new ArgumentOutOfRangeException(nameof(noiseLowerBound), $"noiseLowerBound must be positive and finite, got {noiseLowerBound}");
        if (!(noise >= noiseLowerBound) || !double.IsFinite(noise))
            throw new ArgumentOutOfRangeException(nameof(noise), $"noise must be finite and at least noiseLowerBound ({noiseLowerBound}), got {noise}");
        Kernel = RegisterModule("covar_module", kernel);
        NormalizeY = normalizeY;
        NoiseLowerBound = noiseLowerBound;
        _rawNoise = RegisterParameter("raw_noise", Tensor.FromArray([Math.Log(noise)]));
    }

    /// <summary>The deep kernel (network, scaling and base kernel).</summary>
    public DeepKernel Kernel { get; }

    /// <summary>Whether targets are standardized (mean 0, standard deviation 1) before fitting, as scikit-learn's normalize_y.</summary>
    public bool NormalizeY { get; }

    /// <summary>Smallest noise variance the fit may reach.</summary>
    public double NoiseLowerBound { get; }

    /// <summary>The likelihood's noise variance (standardized target units when <see cref="NormalizeY"/>).</summary>
    public double Noise => Math.Exp(_rawNoise.Item());

    /// <summary>Exact marginal log likelihood per training point at the start of every epoch of the last <see cref="Fit"/>.</summary>
    public IReadOnlyList<double> MarginalLogLikelihoodHistory => _history;

    /// <summary>
    /// Log marginal likelihood of the training targets (standardized when <see cref="NormalizeY"/>) at the final
    /// parameters, summed over points (scikit-learn's log_marginal_likelihood_value_; divide by n for the per-point
    /// figure of <see cref="MarginalLogLikelihoodHistory"/>); NaN before a fit. Compares fits from different starts.
    /// </summary>
    public double LogMarginalLikelihoodValue => _posterior?.LogMarginalLikelihoodValue ?? double.NaN;

    /// <summary>Whether the model has training data (after <see cref="Fit"/> or <see cref="Load(string)"/>).</summary>
    public bool IsFitted => _posterior is not null;

    /// <summary>
    /// Trains for <paramref name="epochs"/> full-batch Adam steps with learning rate <paramref name="lr"/> (GPyTorch's DKL
    /// example: 60 epochs at 0.01) and leaves the model in evaluation mode, ready to predict. <paramref name="progress"/>
    /// hears after every epoch.
    /// </summary>
    /// <exception cref="ArgumentException">x empty or not finite, y of another length or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">epochs &lt; 1 or lr not positive and finite.</exception>
    /// <exception cref="InvalidOperationException">The kernel matrix could not be factored even with jitter.</exception>
    public DeepKernelRegressor Fit(double[,] x, double[] y, int epochs = 100, double lr = 0.01, IProgress<DeepKernelFitProgress>? progress = null)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), $"epochs must be at least 1, got {epochs}");
        if (!(lr > 0) || !double.IsFinite(lr)) throw new ArgumentOutOfRangeException(nameof(lr), $"lr must be positive and finite, got {lr}");
        var objective = SetTrainingData(x, y);
        Train();
        var optimizer = new Adam(Parameters(), lr: lr);
        _history.Clear();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            double mll = TrainEpoch(objective, optimizer);
            _history.Add(mll);
            progress?.Report(new DeepKernelFitProgress(epoch, epochs, mll, Noise));
        }
        // One more training-mode pass fixes the feature range at the final weights; predictions then use it.
        using (Autograd.Autograd.NoGrad()) Kernel.Forward(TrainInputs());
        Eval();
        BuildPosterior();
        return this;
    }

    /// <summary>One full-batch step: the objective's gradient, the optimizer's step, the bounds; returns MLL/n before the step.</summary>
    internal double TrainEpoch(DeepKernelObjective objective, Optimizer optimizer)
    {
        optimizer.ZeroGrad();
        double mll = objective.Evaluate(backward: true);
        optimizer.Step();
        ClampParameters();
        return mll;
    }

    /// <summary>Noise and θ back inside their bounds after a step (Adam knows no bounds), and θ pushed into the base kernel.</summary>
    private void ClampParameters()
    {
        double raw = _rawNoise.Item(), lo = Math.Log(NoiseLowerBound);
        if (raw < lo || !double.IsFinite(raw))
            using (Autograd.Autograd.NoGrad()) _rawNoise.CopyFrom(Tensor.FromArray([double.IsNaN(raw) ? lo : Math.Max(raw, lo)]));
        Kernel.SyncBaseKernel();
    }

    /// <summary>Checks and stores the training data (as buffers) and returns the objective over it.</summary>
    internal DeepKernelObjective SetTrainingData(double[,] x, double[] y)
    {
        var (xd, n, p) = GpInput.Matrix(x, nameof(x));
        var yv = GpInput.Vector(y, nameof(y));
        if (yv.Length != n) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"y must have one target per row of x ({n}), got {yv.Length}"), nameof(y));
        ExactInference.EnsureFeasible(n, GaussianProcessRegressor.DefaultMaxRows, squareBuffers: 2, nameof(DeepKernelRegressor), nameof(x));
        var raw = (double[])yv.Clone();
        var (mean, std) = GpInput.StandardizeTargets(yv, NormalizeY);
        RegisterBuffer("train_inputs", Tensor.FromArray(xd, [n, p]));
        RegisterBuffer("train_targets", Tensor.FromArray(raw));
        RegisterBuffer("target_mean", Tensor.Scalar(mean, DType.Float64));
        RegisterBuffer("target_std", Tensor.Scalar(std, DType.Float64));
        _yStandardized = yv;
        _posterior = null;
        Kernel.SyncBaseKernel();
        return new DeepKernelObjective(this, TrainInputs(), yv);
    }

    internal Tensor RawNoise => _rawNoise;

    private Tensor TrainInputs() => GetBuffer("train_inputs") ?? throw new InvalidOperationException("the model has no training data: call Fit or Load first");

    private (double Mean, double Std) TargetScale() => (GetBuffer("target_mean")!.Item(), GetBuffer("target_std")!.Item());

    /// <summary>The exact GP on the final features: the one regressor's posterior, with the learned noise as its alpha.</summary>
    private void BuildPosterior()
    {
        var z = Kernel.Features(ToMatrix(TrainInputs()));
        _posterior = new GaussianProcessRegressor(Kernel.BaseKernel.Clone(), alpha: Noise, normalizeY: false, optimize: false).Fit(z, _yStandardized!);
    }

    private static double[,] ToMatrix(Tensor t) => GpInput.ToMatrix(t, "x");

    /// <summary>Predictions need the model in evaluation mode (fixed feature range) and fitted.</summary>
    private GaussianProcessRegressor Posterior()
    {
        if (_posterior is null) throw new InvalidOperationException("call Fit (or Load) before predicting");
        if (Training) Eval();
        return _posterior;
    }

    /// <summary>The module's forward pass: the predictive mean (Float64, n) at the rows of <paramref name="input"/> (n×p).</summary>
    protected override Tensor ForwardCore(Tensor input) => Tensor.FromArray(Predict(ToMatrix(input)).Mean);
}
