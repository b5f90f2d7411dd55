namespace Overfit.Tuning;

/// <summary>
/// Samples every parameter independently and uniformly in its transformed space (Optuna's RandomSampler). A seeded
/// sampler draws from numpy's <c>RandomState(seed)</c> stream with Optuna's arithmetic (one number per numeric
/// parameter, one per choice of a categorical, taking the largest), so it proposes what Optuna 3.1's
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
        ArgumentNullException.ThrowIfNull(distribution);
        lock (_lock)
        {
            if (distribution is not CategoricalDistribution c) return SampleUniform(distribution, _uniform());
            // Optuna one-hot encodes a categorical and draws each column uniformly in [0, 1]; the largest (the first
            // of equal ones) is the choice.
            int best = 0;
            double bestU = _uniform();
            for (int k = 1; k < c.Choices.Count; k++)
            {
                double u = _uniform();
                if (u > bestU) (best, bestU) = (k, u);
            }
            return best;
        }
    }

    /// <summary>
    /// Maps a uniform number in [0, 1) to a value of the distribution through its transformed box (log scale, grids
    /// widened by half a step on each side), the arithmetic of <see cref="SearchSpaceTransform"/> for one parameter.
    /// </summary>
    internal static double SampleUniform(Distribution distribution, double u)
    {
        switch (distribution)
        {
            case CategoricalDistribution c:
                return Math.Min((int)(u * c.Choices.Count), c.Choices.Count - 1);
            case FloatDistribution { Log: true } f:
                return f.Single ? f.Low : Math.Min(Math.Exp(Math.Log(f.Low) + u * (Math.Log(f.High) - Math.Log(f.Low))), Math.BitDecrement(f.High));
            case FloatDistribution { Step: { } step } f:
                double t = f.Low - 0.5 * step + u * (f.High - f.Low + step);
                return Math.Clamp(Math.Round((t - f.Low) / step) * step + f.Low, f.Low, f.High);
            case FloatDistribution f:
                return f.Single ? f.Low : Math.Min(f.Low + u * (f.High - f.Low), Math.BitDecrement(f.High));
            case IntDistribution { Log: true } i:
                double lo = Math.Log(i.Low - 0.5), hi = Math.Log(i.High + 0.5);
                return Math.Clamp(Math.Round(Math.Exp(lo + u * (hi - lo))), i.Low, i.High);
            case IntDistribution i:
                double x = i.Low - 0.5 * i.Step + u * ((double)i.High - i.Low + i.Step);
                return Math.Clamp(Math.Round((x - i.Low) / i.Step) * i.Step + i.Low, i.Low, i.High);
            default:
                throw new ArgumentException($"unsupported distribution {distribution.GetType().Name}", nameof(distribution));
        }
    }

    internal static readonly IReadOnlyDictionary<string, Distribution> EmptySpace = new Dictionary<string, Distribution>();
    internal static readonly IReadOnlyDictionary<string, double> EmptyValues = new Dictionary<string, double>();
}
