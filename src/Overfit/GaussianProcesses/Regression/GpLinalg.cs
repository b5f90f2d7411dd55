using System.Runtime.CompilerServices;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>GP-side factorization helpers: the jitter ladder entry, blocked/concurrent Cholesky and the inverse built from it.</summary>
internal static partial class GpLinalg
{
    /// <summary>
    /// <see cref="DenseLinalg.TryPsdSafeCholesky"/>: factors <paramref name="k"/> into <paramref name="l"/> with the one
    /// jitter ladder; returns the jitter used (0 when none was needed) or NaN when the ladder ran out.
    /// </summary>
    public static double CholeskyWithJitter(ReadOnlySpan<double> k, int n, Span<double> l) => DenseLinalg.TryPsdSafeCholesky(k[..(n * n)], n, l);

    /// <summary>Below this order the recursive routines switch to plain loops.</summary>
    private const int Leaf = 64;

    /// <summary>
    /// Writes A⁻¹ = L⁻ᵀL⁻¹ (full symmetric n×n) from the lower Cholesky factor L: a recursive triangular inverse
    /// followed by a recursive LᵀL product, both spending their time in the GEMM. About n³ flops, against 2n³
    /// for solving against the identity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InverseFromCholesky(ReadOnlySpan<double> l, int n, Span<double> inverse)
    {
        ExactInference.Elements(n, n, nameof(l));
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        // T = B·A⁻¹, then B = −C⁻¹·T; both factors are lower triangular (upper parts zero in this storage).
        RightLowerProduct(a, bOff, ld, a, o * ld + o, ld, m2, m1, t, 0, m1);
        LeftLowerProduct(-1.0, a, (o + m1) * ld + o + m1, ld, t, 0, m1, m2, m1, a, bOff, ld);
    }

    /// <summary>Lower triangle of Lᵀ·L for the lower-triangular block of order m at (o, o), written to c at the same place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        // Bottom-left block = RᵀQ (m2×m1), R lower triangular.
        LowerTransposeProduct(l, (o + m1) * ld + o + m1, ld, l, qOff, ld, m2, m1, c, (o + m1) * ld + o, ld);
    }

    // Triangular products by recursion on the triangle: the off-diagonal blocks go to the GEMM and the zero
    // half of the triangle is never multiplied (half the flops of a full product). Leaves use the full GEMM,
    // which is correct because the strict upper part of every triangle stored here is zero.

    /// <summary>X (r×m) = B (r×m) · T (m×m lower).</summary>
    private static void RightLowerProduct(ReadOnlySpan<double> b, int bOff, int ldb, ReadOnlySpan<double> t, int tOff, int ldt,
        int r, int m, Span<double> x, int xOff, int ldx)
    {
        if (m <= Leaf) { Gemm.Multiply(false, false, r, m, m, 1.0, b[bOff..], ldb, t[tOff..], ldt, 0.0, x[xOff..], ldx); return; }
        int m1 = m / 2, m2 = m - m1;
        RightLowerProduct(b, bOff, ldb, t, tOff, ldt, r, m1, x, xOff, ldx);                                  // X1 = B1·T11
        Gemm.Multiply(false, false, r, m1, m2, 1.0, b[(bOff + m1)..], ldb, t[(tOff + m1 * ldt)..], ldt, 1.0, x[xOff..], ldx); // X1 += B2·T21
        RightLowerProduct(b, bOff + m1, ldb, t, tOff + m1 * ldt + m1, ldt, r, m2, x, xOff + m1, ldx);        // X2 = B2·T22
    }

    /// <summary>X (m×c) = alpha · T (m×m lower) · B (m×c).</summary>
    private static void LeftLowerProduct(double alpha, ReadOnlySpan<double> t, int tOff, int ldt, ReadOnlySpan<double> b, int bOff, int ldb,
        int m, int c, Span<double> x, int xOff, int ldx)
    {
        if (m <= Leaf) { Gemm.Multiply(false, false, m, c, m, alpha, t[tOff..], ldt, b[bOff..], ldb, 0.0, x[xOff..], ldx); return; }
        int m1 = m / 2, m2 = m - m1;
        LeftLowerProduct(alpha, t, tOff + m1 * ldt + m1, ldt, b, bOff + m1 * ldb, ldb, m2, c, x, xOff + m1 * ldx, ldx); // X2 = T22·B2
        Gemm.Multiply(false, false, m2, c, m1, alpha, t[(tOff + m1 * ldt)..], ldt, b[bOff..], ldb, 1.0, x[(xOff + m1 * ldx)..], ldx); // X2 += T21·B1
        LeftLowerProduct(alpha, t, tOff, ldt, b, bOff, ldb, m1, c, x, xOff, ldx);                            // X1 = T11·B1
    }

    /// <summary>X (m×c) = Rᵀ · Q for R (m×m) lower triangular and Q (m×c).</summary>
    private static void LowerTransposeProduct(ReadOnlySpan<double> r, int rOff, int ldr, ReadOnlySpan<double> q, int qOff, int ldq,
        int m, int c, Span<double> x, int xOff, int ldx)
    {
        if (m <= Leaf) { Gemm.Multiply(true, false, m, c, m, 1.0, r[rOff..], ldr, q[qOff..], ldq, 0.0, x[xOff..], ldx); return; }
        int m1 = m / 2, m2 = m - m1;
        LowerTransposeProduct(r, rOff, ldr, q, qOff, ldq, m1, c, x, xOff, ldx);                             // X1 = R11ᵀ·Q1
        Gemm.Multiply(true, false, m1, c, m2, 1.0, r[(rOff + m1 * ldr)..], ldr, q[(qOff + m1 * ldq)..], ldq, 1.0, x[xOff..], ldx); // X1 += R21ᵀ·Q2
        LowerTransposeProduct(r, rOff + m1 * ldr + m1, ldr, q, qOff + m1 * ldq, ldq, m2, c, x, xOff + m1 * ldx, ldx); // X2 = R22ᵀ·Q2
    }

    public static string CholeskyFailureMessage(int n) =>
        $"the {n}×{n} kernel matrix is not positive definite even with jitter up to 1e-4·mean(diag); " +
        "increase alpha (observation noise), add a WhiteKernel, remove duplicated inputs or bound the length scales away from extreme values";
}
