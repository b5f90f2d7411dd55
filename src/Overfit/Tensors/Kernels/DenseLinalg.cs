namespace Overfit.Tensors.Kernels;

/// <summary>
/// Dense Float64 factorizations and solves on row-major spans (n×n matrices, n×nrhs right-hand sides).
/// These are the raw kernels under <c>Linalg</c>; Gaussian processes and linear models call them directly.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>
    /// In-place lower Cholesky factor of a symmetric positive-definite matrix (the strict upper triangle is zeroed).
    /// Returns false with the 0-based failing pivot when the matrix is not positive definite.
    /// </summary>
    public static bool TryCholesky(Span<double> a, int n, out int failedPivot)
    {
        CheckSquare(a.Length, n, nameof(a));
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
            if (!(d > 0) || double.IsNaN(d)) { failedPivot = j; return false; }
            double ljj = Math.Sqrt(d);
            a[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = s / ljj;
            }
            for (int i = 0; i < j; i++) a[i * n + j] = 0;
        }
        failedPivot = -1;
        return true;
    }

    /// <summary>In-place lower Cholesky; throws naming the failing pivot when not positive definite.</summary>
    public static void Cholesky(Span<double> a, int n)
    {
        if (!TryCholesky(a, n, out int pivot))
            throw new NotPositiveDefiniteException(pivot, n);
    }

    /// <summary>
    /// Solves L·X = B (transpose: false) or Lᵀ·X = B (transpose: true) for lower-triangular L, overwriting B (n×nrhs).
    /// </summary>
    public static void SolveLowerInPlace(ReadOnlySpan<double> l, int n, Span<double> b, int nrhs, bool transpose = false)
    {
        CheckSquare(l.Length, n, nameof(l));
        if (b.Length != n * nrhs) throw new ArgumentException($"right-hand side has {b.Length} elements, expected {n}×{nrhs}", nameof(b));
        if (!transpose)
        {
            for (int i = 0; i < n; i++)
            {
                var bi = b.Slice(i * nrhs, nrhs);
                for (int k = 0; k < i; k++)
                {
                    double lik = l[i * n + k];
                    if (lik == 0) continue;
                    var bk = b.Slice(k * nrhs, nrhs);
                    for (int c = 0; c < nrhs; c++) bi[c] -= lik * bk[c];
                }
                double inv = 1.0 / l[i * n + i];
                for (int c = 0; c < nrhs; c++) bi[c] *= inv;
            }
        }
        else
        {
            for (int i = n - 1; i >= 0; i--)
            {
                var bi = b.Slice(i * nrhs, nrhs);
                for (int k = i + 1; k < n; k++)
                {
                    double lki = l[k * n + i];
                    if (lki == 0) continue;
                    var bk = b.Slice(k * nrhs, nrhs);
                    for (int c = 0; c < nrhs; c++) bi[c] -= lki * bk[c];
                }
                double inv = 1.0 / l[i * n + i];
                for (int c = 0; c < nrhs; c++) bi[c] *= inv;
            }
        }
    }

    /// <summary>Solves A·X = B given A's lower Cholesky factor L, overwriting B.</summary>
    public static void CholeskySolveInPlace(ReadOnlySpan<double> l, int n, Span<double> b, int nrhs)
    {
        SolveLowerInPlace(l, n, b, nrhs, transpose: false);
        SolveLowerInPlace(l, n, b, nrhs, transpose: true);
    }

    /// <summary>log det A = 2 Σ log L_ii from A's Cholesky factor.</summary>
    public static double LogDetFromCholesky(ReadOnlySpan<double> l, int n)
    {
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.Log(l[i * n + i]);
        return 2 * s;
    }

    private static void CheckSquare(int length, int n, string name)
    {
        if (n < 0 || length != n * n) throw new ArgumentException($"expected an {n}×{n} matrix ({n * n} elements), got {length} elements", name);
    }
}

/// <summary>Raised when a Cholesky factorization meets a non-positive pivot.</summary>
public sealed class NotPositiveDefiniteException : ArithmeticException
{
    public NotPositiveDefiniteException(int pivot, int n)
        : base($"matrix is not positive definite: Cholesky pivot {pivot} (0-based, of {n}) is not positive; add jitter to the diagonal or check the matrix for duplicated rows, NaN or negative eigenvalues")
    {
        Pivot = pivot;
    }

    public int Pivot { get; }
}
