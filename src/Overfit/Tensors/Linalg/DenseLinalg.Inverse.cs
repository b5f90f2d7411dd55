using System.Numerics;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The one inverse from a Cholesky factor (LAPACK's trtri + lauum pattern, by recursive halving):
/// X = L⁻¹ splits as X11 = L11⁻¹, X22 = L22⁻¹, X21 = −X22·(L21·X11), and the lower triangle of XᵀX as
/// C11 = X11ᵀX11 + X21ᵀX21, C21 = X22ᵀX21, C22 = X22ᵀX22. About 2n³/3 flops, almost all in the products of the top
/// levels, which are large enough for the GEMM to run near its peak split across the cores; the triangular factors
/// go through <see cref="Gemm.RunTriangular{T}"/>, which skips their zero half tile by tile. The two halves of each
/// level are independent and run side by side, one per core.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>
    /// A⁻¹ (full symmetric n×n, row-major) from A's lower Cholesky factor <paramref name="l"/> (only its lower triangle
    /// is read). The counterpart of <c>torch.cholesky_inverse</c> / LAPACK's potri.
    /// </summary>
    /// <exception cref="ArgumentException">when <paramref name="l"/> is not n×n or <paramref name="inverse"/> holds fewer than n² elements.</exception>
    public static void InverseFromCholesky(ReadOnlySpan<double> l, int n, Span<double> inverse)
    {
        CheckSquare(l.Length, n, nameof(l));
        if (inverse.Length < l.Length) throw new ArgumentException($"inverse must hold {l.Length} elements, got {inverse.Length}", nameof(inverse));
        InverseFromCholeskyCore<double>(l, n, inverse);
    }

    /// <summary>Full symmetric A⁻¹ from the factor: diagonal-block inverses from L's diagonal blocks, the blocked inverse, then a tiled mirror.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InverseFromCholeskyCore<T>(ReadOnlySpan<T> l, int n, Span<T> inverse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return;
        int bw = CholeskyBlockWidth(n);
        var pool = System.Buffers.ArrayPool<T>.Shared;
        var diagonalInverses = pool.Rent(DiagonalInverseLength(n));
        try
        {
            for (int j0 = 0; j0 < n; j0 += bw) InvertLowerBlock(l, n, j0, Math.Min(bw, n - j0), diagonalInverses.AsSpan(j0 * bw), bw);
            InverseFromCholeskyLower<T>(l, n, bw, diagonalInverses, inverse);
        }
        finally { pool.Return(diagonalInverses); }
        MirrorLower(inverse, n);
    }

    /// <summary>Copies the strict lower triangle onto the upper one, in 64×64 tiles so the strided side stays in cache.</summary>
    internal static void MirrorLower<T>(Span<T> a, int n)
    {
        for (int i0 = 0; i0 < n; i0 += 64)
            for (int j0 = 0; j0 <= i0; j0 += 64)
            {
                int iEnd = Math.Min(i0 + 64, n), jEnd = Math.Min(j0 + 64, n);
                for (int i = i0; i < iEnd; i++)
                    for (int j = j0; j < Math.Min(jEnd, i); j++) a[j * n + i] = a[i * n + j];
            }
    }

    /// <summary>
    /// The inverse's one entry point: lower triangle of A⁻¹ = L⁻ᵀL⁻¹ into <paramref name="inverse"/> (strict upper triangle
    /// unspecified) from the factor and diagonal-block inverses of <see cref="TryCholeskyBlocked{T}(Span{T}, int, Span{T}, out int)"/>.
    /// Only the factor's lower triangle is read.
    /// </summary>
    internal static void InverseFromCholeskyLower<T>(ReadOnlySpan<T> l, int n, ReadOnlySpan<T> diagonalInverses, Span<T> inverse)
        where T : unmanaged, IFloatingPointIeee754<T>
        => InverseFromCholeskyLower(l, n, CholeskyBlockWidth(n), diagonalInverses, inverse);

    /// <summary><see cref="InverseFromCholeskyLower{T}(ReadOnlySpan{T}, int, ReadOnlySpan{T}, Span{T})"/> with the block width the factorization used.</summary>
    internal static void InverseFromCholeskyLower<T>(ReadOnlySpan<T> l, int n, int bw, ReadOnlySpan<T> diagonalInverses, Span<T> inverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((long)l.Length < (long)n * n || (long)inverse.Length < (long)n * n || (long)diagonalInverses.Length < (long)n * bw)
            throw new ArgumentException($"buffers too short for order {n}: factor {l.Length}, inverse {inverse.Length}, diagonal inverses {diagonalInverses.Length}");
        InverseRecursive(l, n, bw, diagonalInverses, inverse);
    }

    /// <summary>lauum's diagonal blocks up to this order are one rank-k update of a zero-padded copy: cheaper than another level of small products.</summary>
    private const int TriangleLeaf = 64;

    /// <summary>
    /// Lower triangle of A⁻¹ = L⁻ᵀL⁻¹ into <paramref name="inverse"/> from the factor and the inverses of its bw-wide
    /// diagonal blocks; buffers already checked. L⁻¹ is formed in the result buffer (with zeros in the band right of
    /// the diagonal that the triangular products read) and turned into A⁻¹ in place; scratch (at most n²/2 in all)
    /// comes from the array pool.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void InverseRecursive<T>(ReadOnlySpan<T> l, int n, int bw, ReadOnlySpan<T> diagonalInverses, Span<T> inverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return;
        fixed (T* pl = l, pd = diagonalInverses, px = inverse)
        {
            var m = new InverseOperands<T>((nint)pl, (nint)pd, (nint)px, n, bw);
            ZeroAboveDiagonal(inverse, n);
            InvertTriangle(m, 0, n);
            MultiplyTransposedByItself(m, 0, n);
        }
    }

    /// <summary>Pinned factor, diagonal inverses and result of one inversion (addresses, so halves can run as delegates on two cores).</summary>
    private readonly unsafe struct InverseOperands<T>(nint l, nint diagonalInverses, nint x, int n, int bw) where T : unmanaged
    {
        public readonly int N = n, Bw = bw;
        public T* L(int row, int col) => (T*)l + (nint)row * N + col;
        public T* X(int row, int col) => (T*)x + (nint)row * N + col;
        public T* DiagonalInverse(int row) => (T*)diagonalInverses + (nint)row * Bw;
    }

    /// <summary>
    /// X[o.., o..] = L[o.., o..]⁻¹ for the m×m diagonal block at o (o a multiple of bw): the diagonal blocks are copied
    /// from the factorization's inverses; larger blocks split at a block boundary near the middle.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void InvertTriangle<T>(InverseOperands<T> m, int o, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = m.N, bw = m.Bw;
        if (size <= bw)
        {
            for (int i = 0; i < size; i++)
                new ReadOnlySpan<T>(m.DiagonalInverse(o + i), size).CopyTo(new Span<T>(m.X(o + i, o), size));
            return;
        }
        int blocks = (size + bw - 1) / bw, m1 = (blocks + 1) / 2 * bw, m2 = size - m1;
        Gemm.Concurrently(() => InvertTriangle(m, o, m1), () => InvertTriangle(m, o + m1, m2));
        var pool = System.Buffers.ArrayPool<T>.Shared;
        var scratch = pool.Rent(checked((int)((long)m2 * m1)));
        try
        {
            fixed (T* t = scratch)
            {
                // T = L21·X11, then X21 = −X22·T.
                TriangularMultiply(false, false, m1, m2, T.One, m.X(o, o), n, m.L(o + m1, o), n, T.Zero, t, m1);
                TriangularMultiply(true, false, m2, m1, -T.One, m.X(o + m1, o + m1), n, t, m1, T.Zero, m.X(o + m1, o), n);
            }
        }
        finally { pool.Return(scratch); }
    }

    /// <summary>
    /// Lower triangle of XᵀX over the lower-triangular m×m diagonal block at o of X, in place (LAPACK's lauum).
    /// C21 = X22ᵀX21 is formed first, then both halves recurse side by side, then X21ᵀX21 is added to the left one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MultiplyTransposedByItself<T>(InverseOperands<T> m, int o, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = m.N;
        var pool = System.Buffers.ArrayPool<T>.Shared;
        if (size <= TriangleLeaf)
        {
            var leaf = pool.Rent(checked((int)((long)size * size)));
            try
            {
                var x = leaf.AsSpan(0, size * size);
                CopyLowerPadded(m.X(o, o), n, size, x);
                Gemm.RunSymmetric(true, size, size, T.One, x, size, T.Zero, new Span<T>(m.X(o, o), Extent(size, size, n)), n, fillUpper: false);
            }
            finally { pool.Return(leaf); }
            return;
        }
        int m1 = (size / 2 + 7) / 8 * 8, m2 = size - m1;
        var cornerArray = pool.Rent(checked((int)((long)m2 * m1)));
        try
        {
            fixed (T* corner = cornerArray)
            {
                // C21 = X22ᵀX21 is staged (it reads X22, which the right half overwrites); X21 itself stays until the end,
                // so X21ᵀX21 goes straight onto the left half's result. Two chains of about equal work run side by side,
                // each product whole on its core (no operand packed twice, one join): the left half and then X21ᵀX21 onto
                // it; C21 and then the right half.
                nint cornerAddress = (nint)corner;
                Gemm.Concurrently(
                    () =>
                    {
                        MultiplyTransposedByItself(m, o, m1);
                        Gemm.RunSymmetric(true, m1, m2, T.One, new ReadOnlySpan<T>(m.X(o + m1, o), Extent(m2, m1, n)), n, T.One,
                            new Span<T>(m.X(o, o), Extent(m1, m1, n)), n, fillUpper: false);
                    },
                    () =>
                    {
                        TriangularMultiply(true, true, m2, m1, T.One, m.X(o + m1, o + m1), n, m.X(o + m1, o), n, T.Zero, (T*)cornerAddress, m1);
                        MultiplyTransposedByItself(m, o + m1, m2);
                    });
                for (int i = 0; i < m2; i++)
                    new ReadOnlySpan<T>(corner + (nint)i * m1, m1).CopyTo(new Span<T>(m.X(o + m1 + i, o), m1));
            }
        }
        finally { pool.Return(cornerArray); }
    }

    /// <summary>
    /// C = alpha·op(W)·B + beta·C (<paramref name="left"/>) or C = alpha·B·op(W) + beta·C with W the lower triangle of
    /// the m×m matrix at <paramref name="w"/> and B m×<paramref name="other"/> (left) or <paramref name="other"/>×m (right);
    /// C must not overlap W or B (BLAS trmm, out of place). W's strict upper triangle must hold zeros within
    /// <see cref="Gemm.TriangleBand"/> of the diagonal and is not read beyond.
    /// </summary>
    internal static unsafe void TriangularMultiply<T>(bool left, bool transW, int m, int other, T alpha, T* w, int ldw, T* b, int ldb, T beta, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || other == 0) return;
        int rowsB = left ? m : other, colsB = left ? other : m;
        var wSpan = new ReadOnlySpan<T>(w, Extent(m, m, ldw));
        var bSpan = new ReadOnlySpan<T>(b, Extent(rowsB, colsB, ldb));
        var cSpan = new Span<T>(c, Extent(rowsB, colsB, ldc));
        if (left) Gemm.RunTriangular(transW ? TriangleClip.UpperA : TriangleClip.LowerA, transW, false, m, other, m, alpha, wSpan, ldw, bSpan, ldb, beta, cSpan, ldc);
        else Gemm.RunTriangular(transW ? TriangleClip.UpperB : TriangleClip.LowerB, false, transW, other, m, m, alpha, bSpan, ldb, wSpan, ldw, beta, cSpan, ldc);
    }

    /// <summary>Zeros the band of <see cref="Gemm.TriangleBand"/> entries right of the diagonal, where the triangular products read.</summary>
    private static void ZeroAboveDiagonal<T>(Span<T> x, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i + 1 < n; i++) x.Slice(i * n + i + 1, Math.Min(Gemm.TriangleBand, n - i - 1)).Clear();
    }

    /// <summary>Elements a rows×cols matrix with row stride ld spans (0 when empty).</summary>
    private static int Extent(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : checked((rows - 1) * ld + cols);

    /// <summary>Copies the lower triangle of the m×m matrix at <paramref name="source"/> into a dense m×m block with zeros above the diagonal.</summary>
    private static unsafe void CopyLowerPadded<T>(T* source, int ld, int m, Span<T> target) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            var row = target.Slice(i * m, m);
            new ReadOnlySpan<T>(source + (nint)i * ld, i + 1).CopyTo(row);
            row[(i + 1)..].Clear();
        }
    }
}
