using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>
/// Batch normalization (PyTorch semantics): batch statistics in training (biased variance to
/// normalize, unbiased into running_var), running statistics in eval; momentum null means a
/// cumulative average over num_batches_tracked. Without running statistics (trackRunningStats
/// false) batch statistics are used in eval too.
/// </summary>
public abstract class BatchNormBase : Module, INormalizationLayer
{
    private protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"numFeatures must be positive, got {numFeatures}");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"eps must be > 0, got {eps}");
        if (momentum is double mo && !(mo >= 0 && mo <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be in [0, 1] or null, got {mo}");
        NumFeatures = numFeatures; Eps = eps; Momentum = momentum; Affine = affine; TrackRunningStats = trackRunningStats;
        if (affine)
        {
            RegisterParameter("weight", Tensor.Ones([numFeatures], dtype));
            RegisterParameter("bias", Tensor.Zeros([numFeatures], dtype));
        }
        if (trackRunningStats)
        {
            RegisterBuffer("running_mean", Tensor.Zeros([numFeatures], dtype));
            RegisterBuffer("running_var", Tensor.Ones([numFeatures], dtype));
            RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Float64));
        }
    }

    /// <summary>Number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Term ε added to the variance (default 1e-5).</summary>
    public double Eps { get; }

    /// <summary>Weight of the new batch in the running averages; null for a cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>Whether a learnable per-channel scale and shift are applied.</summary>
    public bool Affine { get; }

    /// <summary>Whether running statistics are kept for eval.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>Per-channel scale γ [C], or null without affine.</summary>
    public Tensor? Weight => GetParameter("weight");

    /// <summary>Per-channel shift β [C], or null without affine.</summary>
    public Tensor? Bias => GetParameter("bias");

    /// <summary>Running mean [C], or null without running statistics.</summary>
    public Tensor? RunningMean => GetBuffer("running_mean");

    /// <summary>Running unbiased variance [C], or null without running statistics.</summary>
    public Tensor? RunningVar => GetBuffer("running_var");

    /// <summary>Number of training batches folded into the running statistics.</summary>
    public long NumBatchesTracked => (long)(GetBuffer("num_batches_tracked")?.Item() ?? 0);

    /// <summary>Checks the input rank for this layer kind.</summary>
    protected abstract void CheckInput(Tensor input);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input rank is wrong for this layer or dimension 1 is not NumFeatures.</exception>
    protected override Tensor ForwardCore(Tensor input)
    {
        CheckInput(input);
        if (input.ShapeSpan[1] != NumFeatures)
            throw new ArgumentException($"{GetType().Name}: expected {NumFeatures} channels in dimension 1, got input of shape {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
        double factor = Momentum ?? 0;
        bool update = Training && TrackRunningStats;
        if (update)
        {
            var counter = GetBuffer("num_batches_tracked")!;
            counter.FillInPlace(counter.Item() + 1);
            if (Momentum is null) factor = 1.0 / counter.Item();
        }
        bool batchStats = Training || !TrackRunningStats;
        return NNFunctional.BatchNorm(input, update ? RunningMean : batchStats ? null : RunningMean, update ? RunningVar : batchStats ? null : RunningVar,
            Weight, Bias, batchStats, factor, Eps);
    }

    /// <summary>PyTorch-style description with the settings.</summary>
    public override string ToString() => $"{GetType().Name}({NumFeatures}, eps={Eps}, momentum={Momentum?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, affine={Affine}, trackRunningStats={TrackRunningStats})";
}

/// <summary>Batch normalization of [N, C] or [N, C, L] over (N) or (N, L).</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank is not (2 or 3)) throw new ArgumentException($"BatchNorm1d: expected a 2-D [N, C] or 3-D [N, C, L] input, got {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
    }
}

/// <summary>Batch normalization of [N, C, H, W] over (N, H, W).</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank != 4) throw new ArgumentException($"BatchNorm2d: expected a 4-D [N, C, H, W] input, got {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
    }
}
