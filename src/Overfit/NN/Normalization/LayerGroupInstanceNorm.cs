using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// Layer normalization over the last dimensions given by <c>normalizedShape</c> (biased variance),
/// with a per-element affine transform; the same in training and eval.
/// </summary>
public sealed class LayerNorm : Module, INormalizationLayer
{
    /// <summary>Layer normalization over trailing dims <paramref name="normalizedShape"/> (like torch.nn.LayerNorm).</summary>
    /// <param name="normalizedShape">Sizes of the last dims to normalize over.</param>
    /// <param name="eps">Term added to the variance (default 1e-5).</param>
    /// <param name="elementwiseAffine">Learn a per-element scale and shift.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <exception cref="ArgumentException">normalizedShape is empty or has a non-positive size.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"normalizedShape must be a non-empty list of positive sizes, got {ShapeUtil.Format(normalizedShape)}", nameof(normalizedShape));
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            RegisterParameter("weight", Tensor.Ones(NormalizedShape, dtype));
            RegisterParameter("bias", Tensor.Zeros(NormalizedShape, dtype));
        }
    }

    /// <summary>Layer normalization over the last dimension of size <paramref name="normalizedShape"/>.</summary>
    /// <exception cref="ArgumentException">normalizedShape is not positive.</exception>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, dtype) { }

    /// <summary>Sizes of the normalized trailing dims.</summary>
    public int[] NormalizedShape { get; }

    /// <summary>Term ε added to the variance.</summary>
    public double Eps { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input's trailing dims differ from NormalizedShape.</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        int k = NormalizedShape.Length;
        if (input.Rank < k || !input.ShapeSpan[^k..].SequenceEqual(NormalizedShape))
            throw new ArgumentException($"LayerNorm: input's last dimensions must be {ShapeUtil.Format(NormalizedShape)}, got {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
        var dims = Enumerable.Range(input.Rank - k, k).ToArray();
        var y = Normalization.Standardize(input, dims, Eps);
        var w = GetParameter("weight");
        return w is null ? y : y.Mul(w).Add(GetParameter("bias")!);
    }
}

/// <summary>
/// Group normalization: channels split into <c>numGroups</c> groups; each sample is normalized over
/// each group's channels and spatial positions; affine per channel.
/// </summary>
public sealed class GroupNorm : Module, INormalizationLayer
{
    /// <summary>Group normalization of [N, numChannels, *] (like torch.nn.GroupNorm).</summary>
    /// <param name="numGroups">Number of groups, &gt; 0.</param>
    /// <param name="numChannels">Channels, a multiple of numGroups.</param>
    /// <param name="eps">Term added to the variance (default 1e-5).</param>
    /// <param name="affine">Learn a per-channel scale and shift.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <exception cref="ArgumentOutOfRangeException">numGroups is not positive.</exception>
    /// <exception cref="ArgumentException">numChannels is not a positive multiple of numGroups.</exception>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (numGroups <= 0) throw new ArgumentOutOfRangeException(nameof(numGroups), $"numGroups must be positive, got {numGroups}");
        if (numChannels <= 0 || numChannels % numGroups != 0)
            throw new ArgumentException($"numChannels must be a positive multiple of numGroups = {numGroups}, got {numChannels}", nameof(numChannels));
        NumGroups = numGroups; NumChannels = numChannels; Eps = eps;
        if (affine)
        {
            RegisterParameter("weight", Tensor.Ones([numChannels], dtype));
            RegisterParameter("bias", Tensor.Zeros([numChannels], dtype));
        }
    }

    /// <summary>Number of channel groups.</summary>
    public int NumGroups { get; }

    /// <summary>Number of channels C.</summary>
    public int NumChannels { get; }

    /// <summary>Term ε added to the variance.</summary>
    public double Eps { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is not [N, NumChannels, *].</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (input.Rank < 2 || input.ShapeSpan[1] != NumChannels)
            throw new ArgumentException($"GroupNorm: expected [N, {NumChannels}, *], got {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
        int n = input.ShapeSpan[0];
        var grouped = input.Reshape(n, NumGroups, -1);
        var y = Normalization.Standardize(grouped, [2], Eps).Reshape(input.Shape);
        return Normalization.ChannelAffine(y, GetParameter("weight"), GetParameter("bias"));
    }
}

/// <summary>
/// Instance normalization: each sample and channel normalized over its spatial positions. Defaults
/// as PyTorch: no affine, no running statistics; with trackRunningStats the per-instance statistics
/// (averaged over the batch) update running buffers used in eval.
/// </summary>
public abstract class InstanceNormBase : Module, INormalizationLayer
{
    private protected InstanceNormBase(int numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"numFeatures must be positive, got {numFeatures}");
        NumFeatures = numFeatures; Eps = eps; Momentum = momentum; TrackRunningStats = trackRunningStats;
        if (affine)
        {
            RegisterParameter("weight", Tensor.Ones([numFeatures], dtype));
            RegisterParameter("bias", Tensor.Zeros([numFeatures], dtype));
        }
        if (trackRunningStats)
        {
            RegisterBuffer("running_mean", Tensor.Zeros([numFeatures], dtype));
            RegisterBuffer("running_var", Tensor.Ones([numFeatures], dtype));
        }
    }

    /// <summary>Number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Term ε added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Weight of the new batch in the running averages (default 0.1).</summary>
    public double Momentum { get; }

    /// <summary>Whether running statistics are kept for eval.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>Number of spatial dims after [N, C].</summary>
    protected abstract int SpatialRank { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input rank or channel count is wrong.</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (input.Rank != SpatialRank + 2 || input.ShapeSpan[1] != NumFeatures)
            throw new ArgumentException($"{GetType().Name}: expected [N, {NumFeatures}, {SpatialRank} spatial dims], got {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
        int n = input.ShapeSpan[0];
        var flat = input.Reshape(n, NumFeatures, -1);
        Tensor y;
        if (TrackRunningStats && !Training)
        {
            var rm = GetBuffer("running_mean")!.Reshape(1, NumFeatures, 1);
            var rv = GetBuffer("running_var")!.Reshape(1, NumFeatures, 1);
            y = flat.Sub(rm).Div(rv.Add(Eps).Sqrt());
        }
        else
        {
            y = Normalization.Standardize(flat, [2], Eps);
            if (TrackRunningStats)
                using (Autograd.Autograd.NoGrad())
                {
                    var mean = flat.Detach().Mean([2]).Mean([0]);
                    var var = flat.Detach().Var([2], unbiased: true).Mean([0]);
                    var rm = GetBuffer("running_mean")!; var rv = GetBuffer("running_var")!;
                    rm.CopyFrom(rm.Mul(1 - Momentum).Add(mean.Mul(Momentum)));
                    rv.CopyFrom(rv.Mul(1 - Momentum).Add(var.Mul(Momentum)));
                }
        }
        return Normalization.ChannelAffine(y.Reshape(input.Shape), GetParameter("weight"), GetParameter("bias"));
    }
}

/// <summary>Instance normalization of [N, C, L] (like torch.nn.InstanceNorm1d; no affine, no running statistics by default).</summary>
public sealed class InstanceNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType dtype = DType.Float32)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override int SpatialRank => 1;
}

/// <summary>Instance normalization of [N, C, H, W] (like torch.nn.InstanceNorm2d; no affine, no running statistics by default).</summary>
public sealed class InstanceNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType dtype = DType.Float32)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override int SpatialRank => 2;
}

/// <summary>Shared pieces of the normalization layers, composed from differentiable tensor ops.</summary>
internal static class Normalization
{
    /// <summary>(x − mean)/√(var + ε) over <paramref name="dims"/>, biased variance.</summary>
    public static Tensor Standardize(Tensor x, int[] dims, double eps)
    {
        var centered = x.Sub(x.Mean(dims, keepDim: true));
        var variance = centered.Mul(centered).Mean(dims, keepDim: true);
        return centered.Div(variance.Add(eps).Sqrt());
    }

    /// <summary>y·γ_c + β_c with per-channel (dimension 1) parameters; identity when there are none.</summary>
    public static Tensor ChannelAffine(Tensor y, Tensor? weight, Tensor? bias)
    {
        if (weight is null) return y;
        var shape = new int[y.Rank];
        Array.Fill(shape, 1);
        shape[1] = weight.Numel;
        return y.Mul(weight.Reshape(shape)).Add(bias!.Reshape(shape));
    }
}
