namespace Overfit.Plotting;

/// <summary>One named curve or point cloud: <see cref="X"/> and <see cref="Y"/> of equal length.</summary>
public sealed record Series(string Label, double[] X, double[] Y)
{
    /// <summary>Validates lengths; the name of the offending series goes into the message.</summary>
    public Series Validated()
    {
        ArgumentNullException.ThrowIfNull(X, nameof(X));
        ArgumentNullException.ThrowIfNull(Y, nameof(Y));
        if (X.Length != Y.Length)
            throw new ArgumentException($"series '{Label}': expected X and Y of equal length, got {X.Length} and {Y.Length}");
        return this;
    }

    /// <summary>A series over 0, 1, 2, ... (e.g. per-epoch values).</summary>
    public static Series OverIndex(string label, double[] y, int start = 0) =>
        new(label, Enumerable.Range(start, y.Length).Select(i => (double)i).ToArray(), y);
}

/// <summary>One named group of bar heights, one value per category.</summary>
public sealed record BarSeries(string Label, double[] Values);

/// <summary>A labelled point drawn on top of a panel (e.g. an optimum, an end point).</summary>
public sealed record LabelledPoint(string Label, double X, double Y);

/// <summary>A named mean curve with its band (e.g. cross-validation mean ± one standard deviation).</summary>
public sealed record BandSeries(string Label, double[] X, double[] Mean, double[] Lower, double[] Upper);
