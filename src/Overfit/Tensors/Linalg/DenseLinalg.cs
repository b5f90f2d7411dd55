namespace Overfit.Tensors.Kernels;

/// <summary>
/// Dense factorizations and solves on row-major spans (n×n matrices, n×nrhs right-hand sides), in Float64 and
/// Float32. These are the raw kernels under <c>Linalg</c>; Gaussian processes and linear models call them directly.
/// Large matrices are processed in blocks so the work lands in the multi-threaded <see cref="Gemm"/>.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>
    /// In-place lower Cholesky factor of a symmetric positive-definite matrix (only the lower triangle is read;
    /// the strict upper triangle is zeroed). Returns false with the 0-based failing pivot when the matrix is not
    /// positive definite (the span then holds a partial factorization).
    /// </summary>
    public static bool TryCholesky(Span<double> a, int n, out int failedPivot)
    {
        CheckSquare(a.Length, n, nameof(a));
        return TryCholeskyCore(a, n, out failedPivot);
    }

    /// <inheritdoc cref="TryCholesky(Span{double}, int, out int)"/>
    public static bool TryCholesky(Span<float> a, int n, out int failedPivot)
    {
        CheckSquare(a.Length, n, nameof(a));
        return TryCholeskyCore(a, n, out failedPivot);
    }

    /// <summary>In-place lower Cholesky; throws naming the failing pivot when not positive definite.</summary>
    public static void Cholesky(Span<double> a, int n)
    {
        if (!TryCholesky(a, n, out int pivot))
            throw new NotPositiveDefiniteException(pivot, n);
    }

    /// <inheritdoc cref="Cholesky(Span{double}, int)"/>
    public static void Cholesky(Span<float> a, int n)
    {
        if (!TryCholesky(a, n, out int pivot))
            throw new NotPositiveDefiniteException(pivot, n);
    }

    /// <summary>
    /// Solves L·X = B (transpose: false) or Lᵀ·X = B (transpose: true) for lower-triangular L, overwriting B (n×nrhs).
    /// </summary>
    public static void SolveLowerInPlace(ReadOnlySpan<double> l, int n, Span<double> b, int nrhs, bool transpose = false)
    {
        CheckSolve(l.Length, n, b.Length, nrhs, nameof(l));
        SolveTriangularCore(l, n, b, nrhs, lower: true, transpose);
    }

    /// <summary>
    /// Solves op(T)·X = B in place for a triangular n×n matrix T (lower or upper; op(T) = T or Tᵀ), B n×nrhs.
    /// Only T's named triangle is read. A zero on the diagonal yields IEEE infinities/NaN, as in BLAS trsm.
    /// </summary>
    public static void SolveTriangularInPlace(ReadOnlySpan<double> t, int n, Span<double> b, int nrhs, bool lower, bool transpose)
    {
        CheckSolve(t.Length, n, b.Length, nrhs, nameof(t));
        SolveTriangularCore(t, n, b, nrhs, lower, transpose);
    }

    /// <inheritdoc cref="SolveTriangularInPlace(ReadOnlySpan{double}, int, Span{double}, int, bool, bool)"/>
    public static void SolveTriangularInPlace(ReadOnlySpan<float> t, int n, Span<float> b, int nrhs, bool lower, bool transpose)
    {
        CheckSolve(t.Length, n, b.Length, nrhs, nameof(t));
        SolveTriangularCore(t, n, b, nrhs, lower, transpose);
    }

    /// <summary>Solves A·X = B given A's lower Cholesky factor L, overwriting B.</summary>
    public static void CholeskySolveInPlace(ReadOnlySpan<double> l, int n, Span<double> b, int nrhs)
    {
        SolveLowerInPlace(l, n, b, nrhs, transpose: false);
        SolveLowerInPlace(l, n, b, nrhs, transpose: true);
    }

    /// <inheritdoc cref="CholeskySolveInPlace(ReadOnlySpan{double}, int, Span{double}, int)"/>
    public static void CholeskySolveInPlace(ReadOnlySpan<float> l, int n, Span<float> b, int nrhs)
    {
        SolveTriangularInPlace(l, n, b, nrhs, lower: true, transpose: false);
        SolveTriangularInPlace(l, n, b, nrhs, lower: true, transpose: true);
    }

    /// <summary>log det A = 2 Σ log L_ii from A's Cholesky factor.</summary>
    public static double LogDetFromCholesky(ReadOnlySpan<double> l, int n)
    {
        CheckSquare(l.Length, n, nameof(l));
        return LogDetFromCholeskyCore(l, n);
    }

    /// <inheritdoc cref="LogDetFromCholesky(ReadOnlySpan{double}, int)"/>
    public static double LogDetFromCholesky(ReadOnlySpan<float> l, int n)
    {
        CheckSquare(l.Length, n, nameof(l));
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.Log(l[i * n + i]);
        return 2 * s;
    }

    private static void CheckSquare(int length, int n, string name)
    {
        if (n < 0 || length != (long)n * n) throw new ArgumentException($"expected an {n}×{n} matrix ({(long)n * n} elements), got {length} elements", name);
    }

    private static void CheckSolve(int tLength, int n, int bLength, int nrhs, string tName)
    {
        if (n < 0 || tLength != (long)n * n)
            throw new ArgumentException($"triangular matrix: expected {n}×{n} ({(long)n * n} elements), got {tLength} elements", tName);
        if (nrhs < 0 || bLength != (long)n * nrhs)
            throw new ArgumentException($"right-hand side has {bLength} elements, expected {n}×{nrhs}", "b");
    }
}

/// <summary>Raised when a Cholesky factorization meets a non-positive pivot.</summary>
public sealed class NotPositiveDefiniteException : ArithmeticException
{
    /// <summary>Creates the exception for a failed factorization of an <paramref name="n"/>×<paramref name="n"/> matrix at 0-based pivot <paramref name="pivot"/>.</summary>
    /// <param name="pivot">0-based index of the first non-positive pivot.</param>
    /// <param name="n">Order of the matrix.</param>
    public NotPositiveDefiniteException(int pivot, int n)
        : base($"matrix is not positive definite: Cholesky pivot {pivot} (0-based, of {n}) is not positive; add jitter to the diagonal or check the matrix for duplicated rows, NaN or negative eigenvalues")
    {
        Pivot = pivot;
        Size = n;
    }

    /// <summary>The PSD-safe Cholesky's failure: the matrix order and the last (largest) jitter tried.</summary>
    public NotPositiveDefiniteException(int n, double lastJitter, Exception? inner)
        : base($"the {n}×{n} matrix is not positive definite even with jitter {lastJitter:G3} (1e-4·mean(diag)) added to its diagonal; " +
               "check it for duplicated rows, NaN or negative eigenvalues, or add noise to the diagonal", inner)
    {
        Pivot = -1;
        Size = n;
        LastJitter = lastJitter;
    }

    /// <summary>0-based pivot that failed (-1 when raised by the PSD-safe Cholesky).</summary>
    public int Pivot { get; }
    /// <summary>Order of the matrix (0 when raised with a pivot only).</summary>
    public int Size { get; }
    /// <summary>Last jitter the PSD-safe Cholesky tried (0 for a plain factorization).</summary>
    public double LastJitter { get; }
}
