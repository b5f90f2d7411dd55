using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>Settings checks and training-data preparation shared by the inducing-point regressors (SGPR, SVGP).</summary>
internal static class SparseSetup
{
    /// <summary>Checks alpha and jitter; returns the initial inducing inputs (when given) and M.</summary>
    public static (double[]? Initial, int M) Settings(double alpha, double jitter, int nInducing, double[,]? inducingPoints)
    {
        if (!(alpha >= 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), $"alpha must be finite and >= 0, got {alpha}");
        if (!(jitter >= 0) || double.IsInfinity(jitter)) throw new ArgumentOutOfRangeException(nameof(jitter), $"jitter must be finite and >= 0, got {jitter}");
        if (inducingPoints is not null)
        {
            var (z, m, _) = GpInput.Matrix(inducingPoints, nameof(inducingPoints));
            return (z, m);
        }
        if (nInducing < 1) throw new ArgumentOutOfRangeException(nameof(nInducing), $"nInducing must be >= 1, got {nInducing}");
        return (null, nInducing);
    }

    /// <summary>The training data checked and flattened, targets standardized when asked, and the initial Z (given, or seeded k-means++).</summary>
    public static (double[] X, int N, int D, double[] Y, double YMean, double YStd, double[] Z) Prepare(double[,] x, double[] y, int m,
        double[]? initial, bool normalizeY, Generator rng)
    {
        var (xd, n, d) = GpInput.Matrix(x, nameof(x));
        var yv = GpInput.Vector(y, nameof(y));
        if (yv.Length != n) throw new ArgumentException($"y must have one target per row of X ({n}), got {yv.Length}", nameof(y));
        if (m > n) throw new ArgumentException($"the number of inducing points must be at most the number of training rows ({n}), got {m}", initial is null ? "nInducing" : "inducingPoints");
        if (initial is not null && initial.Length != m * d)
            throw new ArgumentException($"inducingPoints must have {d} columns like X, got {initial.Length / m}", "inducingPoints");
        var (mean, std) = GpInput.StandardizeTargets(yv, normalizeY);
        var z = initial is not null ? (double[])initial.Clone() : InducingPoints.KMeansPlusPlus(xd, n, d, m, rng);
        return (xd, n, d, yv, mean, std, z);
    }
}
