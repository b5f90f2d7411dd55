using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>Cholesky with an adaptive jitter ladder and the inverse built from it; shared by regression and classification.</summary>
internal static class GpLinalg
{
    /// <summary>Ladder: no jitter, then 1e-8·mean(diag) growing ×10 up to 1e-4·mean(diag).</summary>
    public const int JitterSteps = 5;

    /// <summary>
    /// Copies <paramref name="k"/> into <paramref name="l"/> and factors it, adding jitter to the diagonal when the plain
    /// factorization fails. Returns the jitter used (0 when none was needed) or NaN when the ladder ran out.
    /// </summary>
    public static double CholeskyWithJitter(ReadOnlySpan<double> k, int n, Span<double> l)
    {
        double meanDiag = 0;
        for (int i = 0; i < n; i++) meanDiag += k[i * n + i];
        meanDiag = Math.Abs(meanDiag / n);
        if (meanDiag == 0 || !double.IsFinite(meanDiag)) meanDiag = 1;
        for (int step = 0; step <= JitterSteps; step++)
        {
            double jitter = step == 0 ? 0 : 1e-8 * Math.Pow(10, step - 1) * meanDiag;
            k[..(n * n)].CopyTo(l);
            for (int i = 0; i < n; i++) l[i * n + i] += jitter;
            if (DenseLinalg.TryCholesky(l[..(n * n)], n, out _)) return jitter;
        }
        return double.NaN;
    }

    /// <summary>Below this order the recursive routines switch to plain loops.</summary>
    private const int Leaf = 64;

    /// <summary>
    /// Writes A⁻¹ = L⁻ᵀL⁻¹ (full symmetric n×n) from the lower Cholesky factor L: a recursive triangular inverse
    /// followed by a recursive LᵀL product, both spending their time in the GEMM. About 4n³/3 flops, against 2n³
    /// for solving against the identity.
    /// </summary>
    public static void InverseFromCholesky(ReadOnlySpan<double> l, int n, Span<double> inverse)
    {
        var pool = System.Buffers.ArrayPool<double>.Shared;
        var linvArray = pool.Rent(n * n);
        var scratchArray = pool.Rent(n * n);
        try
        {
            var linv = linvArray.AsSpan(0, n * n);
            var scratch = scratchArray.AsSpan(0, n * n);
            l[..(n * n)].CopyTo(linv);
            TriangularInverse(linv, 0, n, n, scratch);
            var result = inverse[..(n * n)];
            LowerTransposeTimesLower(linv, 0, n, n, result, scratch);
            // The recursion fills the lower triangle; mirror it (tiled, like the kernel matrices).
            for (int i0 = 0; i0 < n; i0 += 64)
                for (int j0 = 0; j0 <= i0; j0 += 64)
                {
                    int iEnd = Math.Min(i0 + 64, n), jEnd = Math.Min(j0 + 64, n);
                    for (int i = i0; i < iEnd; i++)
                        for (int j = j0; j < Math.Min(jEnd, i); j++) result[j * n + i] = result[i * n + j];
                }
        }
        finally
        {
            pool.Return(linvArray);
            pool.Return(scratchArray);
        }
    }

    /// <summary>In-place inverse of the lower-triangular block of order m at (o, o) of a row-major matrix with leading dimension ld.</summary>
    private static void TriangularInverse(Span<double> a, int o, int m, int ld, Span<double> scratch)
    {
        if (m <= Leaf)
        {
            // Column by column: X = L⁻¹ solves L X = I, lower triangular.
            for (int j = 0; j < m; j++)
            {
                a[(o + j) * ld + o + j] = 1.0 / a[(o + j) * ld + o + j];
                for (int i = j + 1; i < m; i++)
                {
                    double s = 0;
                    for (int k = j; k < i; k++) s += a[(o + i) * ld + o + k] * a[(o + k) * ld + o + j];
                    a[(o + i) * ld + o + j] = -s / a[(o + i) * ld + o + i];
                }
            }
            return;
        }
        // [A 0; B C]⁻¹ = [A⁻¹ 0; −C⁻¹ B A⁻¹, C⁻¹]. The diagonal stays untouched until its block is inverted,
        // so invert B's neighbours first and read C's original diagonal while solving.
        int m1 = m / 2, m2 = m - m1;
        TriangularInverse(a, o, m1, ld, scratch);
        TriangularInverse(a, o + m1, m2, ld, scratch);
        int bOff = (o + m1) * ld + o;
        var t = scratch[..(m2 * m1)];
        // T = B·A⁻¹ (A⁻¹ is lower triangular; its upper part is zero in a Cholesky factor's storage).
        Gemm.Multiply(false, false, m2, m1, m1, 1.0, a[bOff..], ld, a[(o * ld + o)..], ld, 0.0, t, m1);
        // B = −C⁻¹·T
        Gemm.Multiply(false, false, m2, m1, m2, -1.0, a[((o + m1) * ld + o + m1)..], ld, t, m1, 0.0, a[bOff..], ld);
    }

    /// <summary>Lower triangle of Lᵀ·L for the lower-triangular block of order m at (o, o), written to c at the same place.</summary>
    private static void LowerTransposeTimesLower(ReadOnlySpan<double> l, int o, int m, int ld, Span<double> c, Span<double> scratch)
    {
        if (m <= Leaf)
        {
            // (LᵀL)_ij = Σ_k≥max(i,j) L_ki L_kj; fill i ≥ j.
            for (int i = 0; i < m; i++)
                for (int j = 0; j <= i; j++)
                {
                    double s = 0;
                    for (int k = i; k < m; k++) s += l[(o + k) * ld + o + i] * l[(o + k) * ld + o + j];
                    c[(o + i) * ld + o + j] = s;
                }
            return;
        }
        // L = [P 0; Q R]: LᵀL = [PᵀP + QᵀQ, QᵀR; RᵀQ, RᵀR].
        int m1 = m / 2, m2 = m - m1;
        LowerTransposeTimesLower(l, o, m1, ld, c, scratch);
        LowerTransposeTimesLower(l, o + m1, m2, ld, c, scratch);
        int qOff = (o + m1) * ld + o;
        // Top-left += QᵀQ (full m1×m1 product into scratch, then add the lower triangle).
        var t = scratch[..(m1 * m1)];
        Gemm.Multiply(true, false, m1, m1, m2, 1.0, l[qOff..], ld, l[qOff..], ld, 0.0, t, m1);
        for (int i = 0; i < m1; i++)
            for (int j = 0; j <= i; j++) c[(o + i) * ld + o + j] += t[i * m1 + j];
        // Bottom-left block = RᵀQ (m2×m1).
        Gemm.Multiply(true, false, m2, m1, m2, 1.0, l[((o + m1) * ld + o + m1)..], ld, l[qOff..], ld, 0.0, c[((o + m1) * ld + o)..], ld);
    }

    public static string CholeskyFailureMessage(int n) =>
        $"the {n}×{n} kernel matrix is not positive definite even with jitter up to 1e-4·mean(diag); " +
        "increase alpha (observation noise), add a WhiteKernel, remove duplicated inputs or bound the length scales away from extreme values";
}
