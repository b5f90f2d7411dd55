namespace Overfit.Tuning;

/// <summary>
/// Samples every parameter independently and uniformly in its <see cref="SearchSpaceTransform"/> box (Optuna's
/// RandomSampler). A seeded sampler draws from numpy's <c>RandomState(seed)</c> stream with Optuna's arithmetic (one
/// number per numeric parameter, one per choice of a categorical, taking the largest), so it proposes what Optuna 3.1's
/// <c>RandomSampler(seed=seed)</c> proposes, trial for trial.
/// </summary>
public sealed class RandomSampler : ISampler
{
    private readonly Func<double> _uniform;
    private readonly Lock _lock = new();

    /// <summary>Seeds numpy's generator as <c>RandomState(seed)</c> does (seeds of 2³² and above, which numpy refuses, by
    /// their two 32-bit halves); a null seed draws one from the system's entropy.</summary>
    public RandomSampler(ulong? seed = null) => _uniform = new NumpyRandomState(seed ?? (ulong)Random.Shared.NextInt64()).NextDouble;

    /// <summary>Draws from another stream of uniform numbers in [0, 1) (a seam for comparing against other generators).</summary>
    internal RandomSampler(Func<double> uniform) => _uniform = uniform;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => EmptySpace;
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) => EmptyValues;

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        // Optuna's draw: one uniform number per column of the parameter's transformed box (log scale, grids widened by
        // half a step, one column per choice of a categorical), decoded by the same transform.
        var transform = new SearchSpaceTransform(new Dictionary<string, Distribution> { [paramName] = distribution });
        var x = new double[transform.EncodedDimension];
        lock (_lock)
            for (int i = 0; i < x.Length; i++) x[i] = transform.Lower[i] + (transform.Upper[i] - transform.Lower[i]) * _uniform();
        return transform.Untransform(x)[paramName];
    }

    internal static readonly IReadOnlyDictionary<string, Distribution> EmptySpace = new Dictionary<string, Distribution>();
    internal static readonly IReadOnlyDictionary<string, double> EmptyValues = new Dictionary<string, double>();
}
