using System.Diagnostics;

namespace Overfit.Tensors.Kernels;

public static partial class DenseLinalg
{
    /// <summary>
    /// Steps of the one jitter ladder (GPyTorch's psd_safe_cholesky): the plain factorization, then jitter
    /// 1e-8·mean(diag) growing ×10 per step up to <see cref="MaxJitterFactor"/>·mean(diag) = 1e-4·mean(diag).
    /// </summary>
    public const int JitterSteps = 5;

    /// <summary>The largest jitter the ladder adds, as a multiple of |mean(diag)|.</summary>
    public const double MaxJitterFactor = 1e-4;

    /// <summary>|mean of the diagonal| from its sum, the unit of the jitter ladder (1 when that is zero or not finite).</summary>
    public static double JitterScale(double diagonalSum, int n)
    {
        double meanDiag = Math.Abs(diagonalSum / n);
        return meanDiag == 0 || !double.IsFinite(meanDiag) ? 1 : meanDiag;
    }

    /// <summary>The jitter of ladder step <paramref name="step"/> (0: none; then 1e-8·scale growing ×10).</summary>
    public static double JitterAt(int step, double scale) => step == 0 ? 0 : 1e-8 * Math.Pow(10, step - 1) * scale;

    /// <summary>
    /// Copies the symmetric <paramref name="a"/> (n×n, lower triangle read) into <paramref name="l"/> and factors it,
    /// climbing the jitter ladder when the plain factorization fails. Returns the jitter added to the diagonal (0 when
    /// none was needed) or NaN when the ladder ran out; hot paths (likelihood evaluations) use this and treat NaN as
    /// an infinite objective. <see cref="PsdSafeCholesky"/> is the throwing, warning form.
    /// </summary>
    public static double TryPsdSafeCholesky(ReadOnlySpan<double> a, int n, Span<double> l)
    {
        CheckSquare(a.Length, n, nameof(a));
        if (l.Length < a.Length) throw new ArgumentException($"l must hold {a.Length} elements, got {l.Length}", nameof(l));
        double diagonalSum = 0;
        for (int i = 0; i < n; i++) diagonalSum += a[i * n + i];
        double scale = JitterScale(diagonalSum, n);
        for (int step = 0; step <= JitterSteps; step++)
        {
            double jitter = JitterAt(step, scale);
            a.CopyTo(l);
            for (int i = 0; i < n; i++) l[i * n + i] += jitter;
            if (TryCholesky(l[..a.Length], n, out _)) return jitter;
        }
        return double.NaN;
    }

    /// <summary>
    /// PSD-safe Cholesky (GPyTorch's psd_safe_cholesky semantics): factors <paramref name="a"/> into the lower factor
    /// <paramref name="l"/>, adding jitter 1e-8·mean(diag) growing ×10 up to 1e-4·mean(diag) when needed; warns once
    /// (one trace warning naming the jitter used) and returns the jitter. Throws
    /// <see cref="NotPositiveDefiniteException"/> naming the size and the last jitter tried when the ladder runs out.
    /// </summary>
    public static double PsdSafeCholesky(ReadOnlySpan<double> a, int n, Span<double> l)
    {
        double jitter = TryPsdSafeCholesky(a, n, l);
        if (double.IsNaN(jitter))
        {
            double diagonalSum = 0;
            for (int i = 0; i < n; i++) diagonalSum += a[i * n + i];
            throw new NotPositiveDefiniteException(n, JitterAt(JitterSteps, JitterScale(diagonalSum, n)), null);
        }
        if (jitter > 0) Trace.TraceWarning($"a {n}×{n} matrix was not positive definite; added jitter {jitter:G3} to its diagonal");
        return jitter;
    }
}
