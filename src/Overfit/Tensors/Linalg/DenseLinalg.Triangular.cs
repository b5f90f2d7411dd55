using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Generic (Float32/Float64) blocked triangular solves: blocks of rows are solved directly and the rest of the
/// right-hand side is updated with one <see cref="Gemm"/> per block.
/// </summary>
public static partial class DenseLinalg
{
    private const int SolveBlock = 64;

    /// <summary>
    /// Solves op(T)·X = B in place (B is n×nrhs, row-major) for a triangular n×n T; op(T) = T or Tᵀ.
    /// Only the triangle named by <paramref name="lower"/> is read. Blocks of 64 rows are solved directly and
    /// the rest of B is updated with one GEMM per block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SolveTriangularCore<T>(ReadOnlySpan<T> t, int n, Span<T> b, int nrhs, bool lower, bool transpose)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 || nrhs == 0) return;
        if (nrhs == 1) { SolveTriangularVector(t, n, b, lower, transpose); return; }
        bool forward = lower != transpose;   // op(T) is lower triangular: substitute from the top
        if (forward)
        {
            for (int i0 = 0; i0 < n; i0 += SolveBlock)
            {
                int i1 = Math.Min(n, i0 + SolveBlock);
                SolveDiagonalBlock(t, n, b, nrhs, transpose, i0, i1, forward: true);
                if (i1 < n)   // B[i1.., :] −= op(T)[i1.., i0..i1]·X[i0..i1, :]
                    Gemm.Run(transpose, false, n - i1, nrhs, i1 - i0, -T.One, OpBlock(t, n, transpose, i1, i0), n,
                        b[(i0 * nrhs)..], nrhs, T.One, b[(i1 * nrhs)..], nrhs);
            }
        }
        else
        {
            for (int i1 = n; i1 > 0; i1 -= SolveBlock)
            {
                int i0 = Math.Max(0, i1 - SolveBlock);
                SolveDiagonalBlock(t, n, b, nrhs, transpose, i0, i1, forward: false);
                if (i0 > 0)   // B[..i0, :] −= op(T)[..i0, i0..i1]·X[i0..i1, :]
                    Gemm.Run(transpose, false, i0, nrhs, i1 - i0, -T.One, OpBlock(t, n, transpose, 0, i0), n,
                        b[(i0 * nrhs)..], nrhs, T.One, b, nrhs);
            }
        }
    }

    /// <summary>
    /// One right-hand side: every step is a contiguous dot product (op(T) = T, rows of T) or a contiguous vector
    /// update (op(T) = Tᵀ, a row of T is a column of op(T)), instead of n² one-element row updates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveTriangularVector<T>(ReadOnlySpan<T> t, int n, Span<T> b, bool lower, bool transpose)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!transpose)
        {
            if (lower)
                for (int i = 0; i < n; i++) b[i] = (b[i] - TensorPrimitives.Dot(t.Slice(i * n, i), b[..i])) / t[i * n + i];
            else
                for (int i = n - 1; i >= 0; i--) b[i] = (b[i] - TensorPrimitives.Dot(t.Slice(i * n + i + 1, n - i - 1), b[(i + 1)..n])) / t[i * n + i];
        }
        else if (lower)
        {
            for (int i = n - 1; i >= 0; i--)   // Lᵀx = b: x_i is final once the later rows are eliminated
            {
                T xi = b[i] / t[i * n + i];
                b[i] = xi;
                TensorPrimitives.MultiplyAdd(t.Slice(i * n, i), -xi, b[..i], b[..i]);
            }
        }
        else
        {
            for (int i = 0; i < n; i++)   // Uᵀx = b
            {
                T xi = b[i] / t[i * n + i];
                b[i] = xi;
                var rest = b[(i + 1)..n];
                TensorPrimitives.MultiplyAdd(t.Slice(i * n + i + 1, n - i - 1), -xi, rest, rest);
            }
        }
    }

    /// <summary>The stored span that holds op(T)[r0.., c0..] (read transposed by the GEMM when op is a transpose).</summary>
    private static ReadOnlySpan<T> OpBlock<T>(ReadOnlySpan<T> t, int n, bool transpose, int r0, int c0)
        => transpose ? t[(c0 * n + r0)..] : t[(r0 * n + c0)..];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SolveDiagonalBlock<T>(ReadOnlySpan<T> t, int n, Span<T> b, int nrhs, bool transpose, int i0, int i1, bool forward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int step = 0; step < i1 - i0; step++)
        {
            int i = forward ? i0 + step : i1 - 1 - step;
            var bi = b.Slice(i * nrhs, nrhs);
            int k0 = forward ? i0 : i + 1, k1 = forward ? i : i1;
            for (int k = k0; k < k1; k++)
            {
                T tik = transpose ? t[k * n + i] : t[i * n + k];
                if (tik == T.Zero) continue;
                TensorPrimitives.MultiplyAdd(b.Slice(k * nrhs, nrhs), -tik, bi, bi);
            }
            TensorPrimitives.Divide(bi, t[i * n + i], bi);
        }
    }

    internal static T LogDetFromCholeskyCore<T>(ReadOnlySpan<T> l, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.Log(double.CreateChecked(l[i * n + i]));
        return T.CreateChecked(2 * s);
    }
}
