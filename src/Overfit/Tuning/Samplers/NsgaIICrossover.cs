using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>
/// How <see cref="NsgaIISampler"/> makes a child's numerical parameters from its parents' (Optuna's BaseCrossover).
/// Parameters arrive encoded as <see cref="SearchSpaceTransform"/> encodes them (log parameters through their log,
/// stepped ones widened by half a step); the child is decoded (rounded and clipped into the space), and a child
/// outside a float range is drawn again.
/// </summary>
public interface INsgaIICrossover
{
    /// <summary>Parents a child needs.</summary>
    int NParents { get; }

    /// <summary>The child's encoded parameters from <see cref="NParents"/> encoded parent rows.</summary>
    double[] Crossover(double[][] parents, Generator rng, Study study, double[] lower, double[] upper);
}

/// <summary>Uniform crossover (Optuna's default): each parameter from the second parent with probability <c>swappingProb</c>.</summary>
public sealed class UniformCrossover(double swappingProb = 0.5) : INsgaIICrossover
{
    /// <summary>Probability of taking each parameter from the second parent.</summary>
    public double SwappingProb { get; } = swappingProb is >= 0 and <= 1 ? swappingProb
        : throw new ArgumentOutOfRangeException(nameof(swappingProb), swappingProb, "expected a probability in [0, 1]");
    /// <inheritdoc/>
    public int NParents => 2;

    /// <inheritdoc/>
    public double[] Crossover(double[][] parents, Generator rng, Study study, double[] lower, double[] upper)
    {
        var child = new double[lower.Length];
        for (int i = 0; i < child.Length; i++) child[i] = parents[rng.NextDouble() >= SwappingProb ? 0 : 1][i];
        return child;
    }
}

/// <summary>
/// Simulated binary crossover (Deb and Agrawal 1995) with the bound-aware spread of Optuna's SBXCrossover: per
/// parameter, half the time one of the two SBX children's values, otherwise one parent's. <c>eta</c> null is 2 for
/// one objective and 20 for several.
/// </summary>
public sealed class SbxCrossover(double? eta = null) : INsgaIICrossover
{
    /// <summary>Distribution index η of SBX, or null for the default (2 for one objective, 20 for several).</summary>
    public double? Eta { get; } = eta is null or > 0 ? eta : throw new ArgumentOutOfRangeException(nameof(eta), eta, "expected a positive distribution index");
    /// <inheritdoc/>
    public int NParents => 2;

    /// <inheritdoc/>
    public double[] Crossover(double[][] parents, Generator rng, Study study, double[] lower, double[] upper)
    {
        double eta = Eta ?? (study.IsMultiObjective ? 20.0 : 2.0);
        int n = lower.Length;
        var child = new double[n];
        for (int i = 0; i < n; i++)
        {
            double xMin = Math.Min(parents[0][i], parents[1][i]), xMax = Math.Max(parents[0][i], parents[1][i]);
            double diff = Math.Max(xMax - xMin, 1e-10);
            // The spread factors are drawn so that both children stay inside [lower, upper].
            double alpha1 = 2 - Math.Pow(1 + 2 * (xMin - lower[i]) / diff, -(eta + 1));
            double alpha2 = 2 - Math.Pow(1 + 2 * (upper[i] - xMax) / diff, -(eta + 1));
            double u = rng.NextDouble();
            double betaQ1 = u > 1 / alpha1 ? Math.Pow(1 / (2 - u * alpha1), 1 / (eta + 1)) : Math.Pow(u * alpha1, 1 / (eta + 1));
            double betaQ2 = u > 1 / alpha2 ? Math.Pow(1 / (2 - u * alpha2), 1 / (eta + 1)) : Math.Pow(u * alpha2, 1 / (eta + 1));
            double c1 = 0.5 * (xMin + xMax - betaQ1 * diff), c2 = 0.5 * (xMin + xMax + betaQ2 * diff);
            child[i] = rng.NextDouble() < 0.5
                ? (rng.NextDouble() < 0.5 ? c1 : c2)
                : (rng.NextDouble() < 0.5 ? parents[0][i] : parents[1][i]);
        }
        return child;
    }
}

/// <summary>Blend crossover BLX-α (Eshelman and Schaffer 1993): uniform in the parents' range widened by α of it on each side.</summary>
public sealed class BlxAlphaCrossover(double alpha = 0.5) : INsgaIICrossover
{
    /// <summary>Widening α of the parents' range on each side.</summary>
    public double Alpha { get; } = alpha >= 0 ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "expected a non-negative alpha");
    /// <inheritdoc/>
    public int NParents => 2;

    /// <inheritdoc/>
    public double[] Crossover(double[][] parents, Generator rng, Study study, double[] lower, double[] upper)
    {
        var child = new double[lower.Length];
        for (int i = 0; i < child.Length; i++)
        {
            double lo = Math.Min(parents[0][i], parents[1][i]), hi = Math.Max(parents[0][i], parents[1][i]);
            double d = Alpha * (hi - lo);
            child[i] = lo - d + (hi - lo + 2 * d) * rng.NextDouble();
        }
        return child;
    }
}
