namespace Overfit.BayesianOptimization;

/// <summary>Covariance functions of a stationary GP kernel written in terms of the scaled squared distance r².</summary>
public enum GPKernelKind
{
    /// <summary>Matern with nu = 5/2: (1 + √5 r + 5r²/3) exp(-√5 r).</summary>
    Matern52,
    /// <summary>Squared exponential: exp(-r²/2).</summary>
    Rbf,
}

internal static class StationaryKernel
{
    private static readonly double Sqrt5 = Math.Sqrt(5.0);

    /// <summary>Unit-amplitude correlation at squared scaled distance r2.</summary>
    internal static double Value(GPKernelKind kind, double r2)
    {
        r2 = Math.Max(r2, 0);
        if (kind == GPKernelKind.Rbf) return Math.Exp(-0.5 * r2);
        double r = Math.Sqrt(r2);
        return (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>d(correlation)/d(r²); for Matern-5/2 it is -(5/6)(1 + √5 r) exp(-√5 r), finite at r = 0.</summary>
    internal static double DerivativeR2(GPKernelKind kind, double r2)
    {
        r2 = Math.Max(r2, 0);
        if (kind == GPKernelKind.Rbf) return -0.5 * Math.Exp(-0.5 * r2);
        double r = Math.Sqrt(r2);
        return -5.0 / 6.0 * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r);
    }
}
