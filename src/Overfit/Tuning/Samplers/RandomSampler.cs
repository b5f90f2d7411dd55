using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>Samples every parameter independently and uniformly in its transformed space (Optuna's RandomSampler).</summary>
public sealed class RandomSampler : ISampler
{
    private readonly Generator _rng;
    private readonly Lock _lock = new();

    /// <summary>A null seed draws one from the system's entropy.</summary>
    public RandomSampler(ulong? seed = null) => _rng = new Generator(seed ?? (ulong)Random.Shared.NextInt64());

    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => EmptySpace;
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) => EmptyValues;

    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        double u;
        lock (_lock) u = _rng.NextDouble();
        return SampleUniform(distribution, u);
    }

    /// <summary>Maps a uniform number in [0, 1) to a value of the distribution through its transformed box.</summary>
    internal static double SampleUniform(Distribution distribution, double u)
    {
        var transform = new SearchSpaceTransform(new Dictionary<string, Distribution> { ["x"] = distribution });
        if (distribution is CategoricalDistribution c) return Math.Min((int)(u * c.Choices.Count), c.Choices.Count - 1);
        double t = transform.Lower[0] + u * (transform.Upper[0] - transform.Lower[0]);
        return transform.Untransform([t])["x"];
    }

    internal static readonly IReadOnlyDictionary<string, Distribution> EmptySpace = new Dictionary<string, Distribution>();
    internal static readonly IReadOnlyDictionary<string, double> EmptyValues = new Dictionary<string, double>();
}
