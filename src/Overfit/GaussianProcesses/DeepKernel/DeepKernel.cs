using System.Globalization;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Deep kernel k(x, x') = k_base(g(x), g(x')) (Wilson et al. 2016; GPyTorch's exact DKL example): a neural feature
/// extractor g followed by a scaling of its outputs to a bounded range (GPyTorch's ScaleToBounds: in training mode the
/// features' overall minimum and maximum map to 0.95·[lower, upper] and are remembered; in evaluation mode the remembered
/// ones are used and features are clamped to them) and a base kernel on the scaled features. A module: the network is
/// the child "feature_extractor", the base kernel's free log-hyperparameters are the Float64 parameter "raw_theta"
/// (in <see cref="Kernel.Theta"/>'s order) and the scaling bounds the buffers "scale_min" and "scale_max", so the state
/// dict holds everything. Forward(x) returns the scaled features (n×d, Float64) with their graph.
/// </summary>
public sealed class DeepKernel : Module
{
    private readonly Tensor? _rawTheta;

    /// <summary>
    /// Wraps <paramref name="featureExtractor"/> (input n×p → features n×d) and a copy of <paramref name="baseKernel"/>
    /// (stationary kernels suit the bounded features: RBF, Matern, optionally times a ConstantKernel). The network is
    /// converted to Float64 (<see cref="Module.To"/>), as the GP algebra is. Features are scaled to
    /// 0.95·[<paramref name="lowerBound"/>, <paramref name="upperBound"/>] (default [−1, 1]).
    /// </summary>
    /// <exception cref="ArgumentException">The base kernel has ARD length scales for a number of dimensions other than the
    /// network's output width (checked here when the network is a Sequential ending in a Linear, otherwise at the first
    /// forward pass), or the bounds are not finite with lower &lt; upper.</exception>
    public DeepKernel(Module featureExtractor, Kernel baseKernel, double lowerBound = -1.0, double upperBound = 1.0)
    {
        ArgumentNullException.ThrowIfNull(featureExtractor);
        ArgumentNullException.ThrowIfNull(baseKernel);
        if (!(double.IsFinite(lowerBound) && double.IsFinite(upperBound) && lowerBound < upperBound))
            throw new ArgumentException($"lowerBound and upperBound must be finite with lowerBound < upperBound, got [{lowerBound}, {upperBound}]", nameof(lowerBound));
        BaseKernel = baseKernel.Clone();
        ArdDimension = ArdDimensionOf(BaseKernel);
        if (LastLinearWidth(featureExtractor) is int width) CheckWidth(width, "its last Linear layer");
        LowerBound = lowerBound;
        UpperBound = upperBound;
        FeatureExtractor = RegisterModule("feature_extractor", featureExtractor);
        featureExtractor.To(DType.Float64);
        if (BaseKernel.ThetaCount > 0) _rawTheta = RegisterParameter("raw_theta", Tensor.FromArray(BaseKernel.Theta));
        RegisterBuffer("scale_min", Tensor.Scalar(0, DType.Float64));
        RegisterBuffer("scale_max", Tensor.Scalar(0, DType.Float64));
    }

    /// <summary>
    /// The usual deep kernel (GPyTorch's DKL example): a ReLU MLP <paramref name="inputDimension"/> → hidden sizes →
    /// <paramref name="featureDimension"/> (PyTorch's Linear initialization from a generator seeded with
    /// <paramref name="seed"/>) under ConstantKernel(1) × RBF with one unit length scale per feature (ScaleKernel(RBFKernel(ard_num_dims))).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static DeepKernel Mlp(int inputDimension, int[] hidden, int featureDimension, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (featureDimension < 1) throw new ArgumentOutOfRangeException(nameof(featureDimension), $"featureDimension must be positive, got {featureDimension}");
        var generator = new Generator(seed);
        var network = new Sequential();
        int previous = inputDimension;
        foreach (int h in hidden)
        {
            network.Append(new Linear(previous, h, generator: generator, dtype: DType.Float64)).Append(new ReLU());
            previous = h;
        }
        network.Append(new Linear(previous, featureDimension, generator: generator, dtype: DType.Float64));
        var lengthScales = Enumerable.Repeat(1.0, featureDimension).ToArray();
        return new DeepKernel(network, new ConstantKernel(1.0) * new RBF(lengthScales));
    }

    /// <summary>The network g (a child module, converted to Float64).</summary>
    public Module FeatureExtractor { get; }

    /// <summary>The base kernel on the scaled features (a copy of the one given); its hyperparameters follow "raw_theta" (see <see cref="SyncBaseKernel"/>).</summary>
    public Kernel BaseKernel { get; }

    /// <summary>The number of feature dimensions the base kernel's ARD length scales expect; null for isotropic kernels.</summary>
    public int? ArdDimension { get; }

    /// <summary>Lower end of the feature range (features fill 0.95 of it).</summary>
    public double LowerBound { get; }

    /// <summary>Upper end of the feature range.</summary>
    public double UpperBound { get; }

    /// <summary>The trainable log-hyperparameters of the base kernel (Float64, one per free theta entry); null when the base kernel has none.</summary>
    internal Tensor? RawTheta => _rawTheta;

    /// <summary>
    /// Clamps "raw_theta" to the base kernel's log-space bounds (in place) and writes it into <see cref="BaseKernel"/>;
    /// call after changing the parameter (an optimizer step, a state-dict load).
    /// </summary>
    public void SyncBaseKernel()
    {
        if (_rawTheta is null) return;
        var theta = _rawTheta.Detach().Contiguous().ToDoubleArray();
        var bounds = BaseKernel.Bounds;
        bool clamped = false;
        for (int i = 0; i < theta.Length; i++)
        {
            double t = Math.Clamp(theta[i], bounds[i, 0], bounds[i, 1]);
            if (t != theta[i]) { theta[i] = t; clamped = true; }
        }
        if (clamped)
            using (Autograd.Autograd.NoGrad()) _rawTheta.CopyFrom(Tensor.FromArray(theta));
        BaseKernel.Theta = theta;
    }

    /// <summary>Scaled features of <paramref name="x"/> (n×p, any float dtype) as a plain n×d Float64 matrix, without a graph.</summary>
    public double[,] Features(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var _ = Autograd.Autograd.NoGrad();
        var z = Forward(Tensor.FromArray(x));
        var data = z.Contiguous().ToDoubleArray();
        var m = new double[z.Size(0), z.Size(1)];
        Buffer.BlockCopy(data, 0, m, 0, data.Length * sizeof(double));
        return m;
    }

    /// <summary>k(x_i, x'_j) for every pair: the base kernel on the scaled features of both sets (n×m).</summary>
    public double[,] K(double[,] x, double[,] y) => BaseKernel.K(Features(x), Features(y));

    /// <summary>Network, feature-width check and bounded scaling; see the class summary.</summary>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (input.Rank != 2) throw new ArgumentException($"input must be a 2-D tensor (n×p), got shape {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
        var z = FeatureExtractor.Forward(input.DType == DType.Float64 ? input : input.To(DType.Float64));
        if (z.Rank != 2) throw new ArgumentException($"featureExtractor must return a 2-D tensor (n×d), got shape {ShapeUtil.Format(z.ShapeSpan)}");
        CheckWidth(z.Size(1), "its output");
        var min = GetBuffer("scale_min")!;
        var max = GetBuffer("scale_max")!;
        Tensor lo, hi;
        if (Training)
        {
            lo = z.Min();
            hi = z.Max();
            using (Autograd.Autograd.NoGrad()) { min.CopyFrom(lo.Detach()); max.CopyFrom(hi.Detach()); }
        }
        else
        {
            double a = min.Item(), b = max.Item();
            z = z.Clamp(a, b);
            lo = Tensor.Scalar(a, DType.Float64);
            hi = Tensor.Scalar(b, DType.Float64);
        }
        // Constant features (max = min) have no range to map; they only shift to the lower end.
        var range = hi - lo;
        if (range.Item() <= 0) return z - lo + 0.95 * LowerBound;
        return (z - lo) * ((0.95 * (UpperBound - LowerBound)) / range) + 0.95 * LowerBound;
    }

    private void CheckWidth(int width, string where)
    {
        if (ArdDimension is int ard && ard != width)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"featureExtractor produces {width} features per row ({where}) but baseKernel has ARD length scales for {ard} dimensions; make the network's output width {ard} or give the kernel {width} length scales"),
                "featureExtractor");
    }

    /// <summary>The common length of the kernel's vector hyperparameters (ARD length scales); null when all are scalars.</summary>
    private static int? ArdDimensionOf(Kernel kernel)
    {
        int? dim = null;
        foreach (var h in kernel.Hyperparameters)
            if (h.Count > 1) dim = h.Count;
        return dim;
    }

    private static int? LastLinearWidth(Module network) => network switch
    {
        Linear linear => linear.OutFeatures,
        Sequential { Count: > 0 } seq when seq[seq.Count - 1] is Linear last => last.OutFeatures,
        _ => null,
    };
}
