namespace Overfit.GaussianProcesses;

/// <summary>
/// Scores of Gaussian predictive distributions N(mean_i, std_i²) against held-out targets: root mean squared error,
/// negative log predictive density and the coverage of the central 95% interval. Pass the predictive standard
/// deviation of a new observation (observation noise included) for NLPD and coverage.
/// </summary>
public static class PredictiveScore
{
    /// <summary>Half-width of the central 95% interval of a normal distribution, in standard deviations.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>√(mean (y − mean)²).</summary>
    /// <exception cref="ArgumentException">Lengths differ or are zero.</exception>
    public static double Rmse(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> mean)
    {
        Check(yTrue, mean, mean, nameof(mean));
        double s = 0;
        for (int i = 0; i < yTrue.Length; i++) s += (yTrue[i] - mean[i]) * (yTrue[i] - mean[i]);
        return Math.Sqrt(s / yTrue.Length);
    }

    /// <summary>Mean of −log N(y_i | mean_i, std_i²) = ½ log(2π std²) + (y − mean)²/(2 std²), in nats per point.</summary>
    /// <exception cref="ArgumentException">Lengths differ or are zero, or a std is not positive.</exception>
    public static double Nlpd(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> mean, ReadOnlySpan<double> std)
    {
        Check(yTrue, mean, std, nameof(std));
        double s = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            if (!(std[i] > 0)) throw new ArgumentException($"std must be positive, got {std[i]} at index {i}", nameof(std));
            double z = (yTrue[i] - mean[i]) / std[i];
            s += 0.5 * Math.Log(2 * Math.PI) + Math.Log(std[i]) + 0.5 * z * z;
        }
        return s / yTrue.Length;
    }

    /// <summary>Fraction of targets inside mean ± 1.96 std (the central 95% interval).</summary>
    /// <exception cref="ArgumentException">Lengths differ or are zero.</exception>
    public static double Coverage95(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> mean, ReadOnlySpan<double> std)
    {
        Check(yTrue, mean, std, nameof(std));
        int inside = 0;
        for (int i = 0; i < yTrue.Length; i++)
            if (Math.Abs(yTrue[i] - mean[i]) <= Z95 * std[i]) inside++;
        return (double)inside / yTrue.Length;
    }

    private static void Check(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> mean, ReadOnlySpan<double> std, string name)
    {
        if (yTrue.Length == 0) throw new ArgumentException("yTrue must not be empty", nameof(yTrue));
        if (mean.Length != yTrue.Length || std.Length != yTrue.Length)
            throw new ArgumentException($"{name} must have one value per target ({yTrue.Length}), got mean {mean.Length} and std {std.Length}", name);
    }
}
