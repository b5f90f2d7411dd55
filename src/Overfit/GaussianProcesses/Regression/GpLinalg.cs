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

    /// <summary>Writes A⁻¹ = L⁻ᵀL⁻¹ (full symmetric n×n) from the lower Cholesky factor L.</summary>
    public static void InverseFromCholesky(ReadOnlySpan<double> l, int n, Span<double> inverse)
    {
        var linv = new double[n * n];
        for (int i = 0; i < n; i++) linv[i * n + i] = 1;
        DenseLinalg.SolveLowerInPlace(l[..(n * n)], n, linv, n);
        Gemm.Multiply(true, false, n, n, n, 1.0, linv, n, linv, n, 0.0, inverse[..(n * n)], n);
    }

    public static string CholeskyFailureMessage(int n) =>
        $"the {n}×{n} kernel matrix is not positive definite even with jitter up to 1e-4·mean(diag); " +
        "increase alpha (observation noise), add a WhiteKernel, remove duplicated inputs or bound the length scales away from extreme values";
}
