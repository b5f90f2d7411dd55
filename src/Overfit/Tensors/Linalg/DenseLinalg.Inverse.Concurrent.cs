using System.Numerics;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The blocked inverse from the Cholesky factor (<see cref="DenseLinalg.InverseSplit{T}"/>) with its mid-sized products run side by side, one per core, instead of each product being split across the cores:
/// a block row's products are cut into column chunks that do not depend on each other, and the two cores take chunks
/// from a shared counter, largest first. A product of a few hundred rows split in two synchronizes once per product
/// and packs its shared operand twice; whole products on one core each do neither.
/// </summary>
public static partial class DenseLinalg
{
    /// <summary>Column width of one chunk: with 128-wide blocks a chunk of a block row costs about as much as its diagonal part.</summary>
    private const int ChunkWidth = 64;

    /// <summary>
    /// Lower triangle of A⁻¹ = L⁻ᵀL⁻¹, as <see cref="InverseSplit{T}"/>, on two cores side by side; needs n &gt; bw and
    /// buffers already checked (reached through <see cref="InverseFromCholeskyLower{T}(ReadOnlySpan{T}, int, ReadOnlySpan{T}, Span{T})"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void InverseConcurrent<T>(ReadOnlySpan<T> l, int n, int bw, ReadOnlySpan<T> diagonalInverses, Span<T> inverse, int productChunk = ChunkWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var pool = System.Buffers.ArrayPool<T>.Shared;
        var stage = pool.Rent(n * bw);
        var chunk0 = pool.Rent(bw * ChunkWidth);
        var chunk1 = pool.Rent(bw * ChunkWidth);
        try
        {
            fixed (T* pl = l, pd = diagonalInverses, px = inverse)
            {
                nint al = (nint)pl, ad = (nint)pd, ax = (nint)px;
                int len = n * n;
                // X = L⁻¹ by block rows. Column chunk [c0, c0 + cw) of block row J is −L_JJ⁻¹·(L_J,[c0, J)·X_[c0, J),chunk):
                // it reads only rows above J of X, so the chunks of one block row are independent.
                for (int j0 = 0; j0 < n; j0 += bw)
                {
                    int jb = Math.Min(bw, n - j0);
                    SeedInverseBlockRow(inverse[..len], n, bw, j0, jb, diagonalInverses);
                    if (j0 == 0) continue;
                    int chunks = (j0 + ChunkWidth - 1) / ChunkWidth, next = 0, row0 = j0;
                    Gemm.Concurrently(() => Rows(chunk0), () => Rows(chunk1));

                    void Rows(T[] t)
                    {
                        var lw = new ReadOnlySpan<T>((T*)al, len);
                        var xw = new Span<T>((T*)ax, len);
                        var invw = new ReadOnlySpan<T>((T*)ad + row0 * bw, jb * bw);
                        for (int c; (c = Interlocked.Increment(ref next) - 1) < chunks;)
                        {
                            int c0 = c * ChunkWidth, cw = Math.Min(ChunkWidth, row0 - c0);
                            Gemm.Run(false, false, jb, cw, row0 - c0, T.One, lw[(row0 * n + c0)..], n, xw[(c0 * n + c0)..], n, T.Zero, t, cw);
                            Gemm.Run(false, false, jb, cw, jb, -T.One, invw, bw, t, cw, T.Zero, xw[(row0 * n + c0)..], n);
                        }
                    }
                }
                // A⁻¹ = XᵀX by block rows (as the one-core version): block row I of the lower triangle is
                // X_≥I,Iᵀ·X_≥I,≤I, cut into column chunks staged side by side, then written over rows I of X.
                for (int i0 = 0; i0 < n; i0 += bw)
                {
                    int ib = Math.Min(bw, n - i0), i1 = i0 + ib;
                    int chunks = (i1 + productChunk - 1) / productChunk, next = 0, top = i0;
                    Gemm.Concurrently(Columns, Columns);

                    void Columns()
                    {
                        var xw = new Span<T>((T*)ax, len);
                        var tw = stage.AsSpan(0, ib * i1);
                        for (int c; (c = Interlocked.Increment(ref next) - 1) < chunks;)
                        {
                            int c0 = c * productChunk, cw = Math.Min(productChunk, i1 - c0);
                            // Columns inside the diagonal block: rows above the chunk are upper triangle (not needed), and
                            // X is zero above row c0 in these columns, so the inner dimension starts there too.
                            int r = Math.Max(0, c0 - top), k0 = Math.Max(top, c0);
                            Gemm.Run(true, false, ib - r, cw, n - k0, T.One, xw[(k0 * n + top + r)..], n, xw[(k0 * n + c0)..], n, T.Zero, tw[(r * i1 + c0)..], i1);
                        }
                    }
                    var x = inverse[..len];
                    var staged = stage.AsSpan(0, ib * i1);
                    for (int i = 0; i < ib; i++) staged.Slice(i * i1, i0 + i + 1).CopyTo(x[((i0 + i) * n)..]);
                }
            }
        }
        finally
        {
            pool.Return(stage);
            pool.Return(chunk0);
            pool.Return(chunk1);
        }
    }
}
