namespace Overfit.BayesianOptimization;

/// <summary>A box [Lower, Upper] in d dimensions; every lower bound must be strictly below its upper bound.</summary>
public sealed class Bounds
{
    /// <summary>Lower bound of every dimension.</summary>
    public double[] Lower { get; }
    /// <summary>Upper bound of every dimension.</summary>
    public double[] Upper { get; }
    /// <summary>Number of dimensions d.</summary>
    public int Dimension => Lower.Length;

    /// <summary>A box from per-dimension bounds (copied).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ or are zero, or a bound is not finite with lower &lt; upper.</exception>
    public Bounds(double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (lower.Length == 0 || lower.Length != upper.Length)
            throw new ArgumentException($"expected lower and upper bounds of the same non-zero length, got {lower.Length} and {upper.Length}", nameof(upper));
        for (int i = 0; i < lower.Length; i++)
            if (!(lower[i] < upper[i]) || !double.IsFinite(lower[i]) || !double.IsFinite(upper[i]))
                throw new ArgumentException($"bounds of dimension {i}: expected finite low < high, got low {lower[i]} and high {upper[i]}", nameof(lower));
        Lower = (double[])lower.Clone();
        Upper = (double[])upper.Clone();
    }

    /// <summary>The unit cube [0, 1]^d.</summary>
    public static Bounds UnitCube(int dimension)
        => new(new double[dimension], Enumerable.Repeat(1.0, dimension).ToArray());

    /// <summary>Maps n×d points of the unit cube into this box, in place.</summary>
    public void FromUnitCube(Span<double> points)
    {
        int d = Dimension;
        for (int i = 0; i < points.Length; i++) points[i] = Lower[i % d] + (Upper[i % d] - Lower[i % d]) * points[i];
    }
}
