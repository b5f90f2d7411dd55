using System.Runtime.CompilerServices;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// The inverse of <see cref="GpLinalg.InverseFromBlockedCholesky(ReadOnlySpan{double}, int, ReadOnlySpan{double}, Span{double})"/>
/// with its mid-sized products run side by side, one per core, instead of each product being split across the cores:
/// a block row's products are cut into column chunks that do not depend on each other, and the two cores take chunks
/// from a shared counter, largest first. A product of a few hundred rows split in two synchronizes once per product
/// and packs its shared operand twice; whole products on one core each do neither.
/// </summary>
internal static partial class GpLinalg
{
    /// <summary>Column width of one chunk: with 128-wide blocks a chunk of a block row costs about as much as its diagonal part.</summary>
    private const int ChunkWidth = 64;

    /// <summary>
    /// Whether L⁻¹'s block rows pack their shared operands once and reuse them across column chunks (the default) or
    /// let every chunk's product repack them; a switch for same-process timing comparisons and tests.
    /// </summary>
    internal static bool PrepackedInverse { get; set; } = true;

    /// <summary>
    /// Whether L⁻¹'s block row J first forms M_J = −L_JJ⁻¹·L_J,&lt;J in one product (the default), so that each column
    /// chunk is a single product, or runs two products per chunk; a switch for same-process timing comparisons and tests.
    /// </summary>
    internal static bool FoldedRowInverse { get; set; } = true;

    /// <summary>As <see cref="PrepackedInverse"/>, for the chunks of L⁻ᵀL⁻¹ left of the diagonal block.</summary>
    internal static bool PrepackedProduct { get; set; } = true;

    /// <summary>Lower triangle of A⁻¹ = L⁻ᵀL⁻¹, as <see cref="InverseFromBlockedCholesky(ReadOnlySpan{double}, int, ReadOnlySpan{double}, Span{double})"/>, on two cores side by side.</summary>
    public static void InverseFromBlockedCholeskyConcurrent(ReadOnlySpan<double> l, int n, ReadOnlySpan<double> diagonalInverses, Span<double> inverse)
        => InverseFromBlockedCholeskyConcurrent(l, n, BlockWidth(n), diagonalInverses, inverse);

    /// <summary><see cref="InverseFromBlockedCholeskyConcurrent(ReadOnlySpan{double}, int, ReadOnlySpan{double}, Span{double})"/> with the block width the factorization used.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void InverseFromBlockedCholeskyConcurrent(ReadOnlySpan<double> l, int n, int bw, ReadOnlySpan<double> diagonalInverses, Span<double> inverse, int productChunk = ChunkWidth, int rowChunk = ChunkWidth)
    {
        if (Math.Min(Gemm.MaxThreads, Environment.ProcessorCount) < 2 || n <= bw)
        {
            InverseFromBlockedCholesky(l, n, bw, diagonalInverses, inverse);
            return;
        }
        if (l.Length < n * n || inverse.Length < n * n || diagonalInverses.Length < n * bw)
            throw new ArgumentException($"buffers too short for order {n}: factor {l.Length}, inverse {inverse.Length}, diagonal inverses {diagonalInverses.Length}");
        var pool = System.Buffers.ArrayPool<double>.Shared;
        var stage = pool.Rent(n * bw);
        var chunk0 = pool.Rent(bw * rowChunk);
        var chunk1 = pool.Rent(bw * rowChunk);
        bool folded = FoldedRowInverse, prepacked = PrepackedInverse && !folded;
        var foldedRows = folded ? pool.Rent(bw * n) : [];
        var packedRows = prepacked || PrepackedProduct ? pool.Rent(Gemm.PackedRowPanelsLength(bw, n)) : [];
        var packedDiagonal = prepacked ? pool.Rent(Gemm.PackedRowPanelsLength(bw, bw)) : [];
        try
        {
            fixed (double* pl = l, pd = diagonalInverses, px = inverse)
            {
                nint al = (nint)pl, ad = (nint)pd, ax = (nint)px;
                int len = n * n;
                // X = L⁻¹ by block rows. Column chunk [c0, c0 + cw) of block row J is −L_JJ⁻¹·(L_J,[c0, J)·X_[c0, J),chunk):
                // it reads only rows above J of X, so the chunks of one block row are independent.
                for (int j0 = 0; j0 < n; j0 += bw)
                {
                    int jb = Math.Min(bw, n - j0), j1 = j0 + jb;
                    var x = inverse[..len];
                    var inv = diagonalInverses.Slice(j0 * bw, jb * bw);
                    for (int i = 0; i < jb; i++)
                    {
                        var row = x.Slice((j0 + i) * n, n);
                        inv.Slice(i * bw, jb).CopyTo(row[j0..]);
                        row[j1..].Clear();
                    }
                    if (j0 == 0) continue;
                    int chunks = (j0 + rowChunk - 1) / rowChunk, next = 0, row0 = j0;
                    if (folded)
                    {
                        // M_J = −L_JJ⁻¹·L_J,<J once, one product split across the cores; then each chunk is one product
                        // X_J,chunk = M_J,[c0, J)·X_[c0, J),chunk written straight into X.
                        Gemm.Multiply(false, false, jb, row0, jb, -1.0, inv, bw, l[(row0 * n)..], n, 0.0, foldedRows, row0);
                        Gemm.Concurrently(FoldedRows, FoldedRows);
                        continue;
                    }
                    if (prepacked)
                    {
                        // Both operands every chunk shares (the block row of L and L_JJ⁻¹) are packed once, half each core.
                        int split = Math.Min(jb, (jb / 2 + 11) / 12 * 12);
                        Gemm.Concurrently(() => PackRows(0, split), () => { PackRows(split, jb); PackDiagonal(); });
                        next = 0;
                        Gemm.Concurrently(() => PackedRows(chunk0), () => PackedRows(chunk1));
                        continue;
                    }
                    Gemm.Concurrently(() => Rows(chunk0), () => Rows(chunk1));

                    void FoldedRows()
                    {
                        var xw = new Span<double>((double*)ax, len);
                        var mw = foldedRows.AsSpan(0, jb * row0);
                        for (int c; (c = Interlocked.Increment(ref next) - 1) < chunks;)
                        {
                            int c0 = c * rowChunk, cw = Math.Min(rowChunk, row0 - c0);
                            Gemm.Multiply(false, false, jb, cw, row0 - c0, 1.0, mw[c0..], row0, xw[(c0 * n + c0)..], n, 0.0, xw[(row0 * n + c0)..], n);
                        }
                    }

                    void PackRows(int r0, int r1)
                    {
                        if (r1 <= r0) return;
                        var lw = new ReadOnlySpan<double>((double*)al, len);
                        Gemm.PackRowPanels(false, lw[((row0 + r0) * n)..], n, r1 - r0, row0, packedRows.AsSpan(r0 * row0));
                    }

                    void PackDiagonal()
                        => Gemm.PackRowPanels(false, new ReadOnlySpan<double>((double*)ad + row0 * bw, jb * bw), bw, jb, jb, packedDiagonal);

                    void PackedRows(double[] t)
                    {
                        var xw = new Span<double>((double*)ax, len);
                        for (int c; (c = Interlocked.Increment(ref next) - 1) < chunks;)
                        {
                            int c0 = c * rowChunk, cw = Math.Min(rowChunk, row0 - c0);
                            Gemm.MultiplyPrepackedA(jb, cw, row0 - c0, 1.0, packedRows, row0, c0, xw[(c0 * n + c0)..], n, 0.0, t, cw);
                            Gemm.MultiplyPrepackedA(jb, cw, jb, -1.0, packedDiagonal, jb, 0, t, cw, 0.0, xw[(row0 * n + c0)..], n);
                        }
                    }

                    void Rows(double[] t)
                    {
                        var lw = new ReadOnlySpan<double>((double*)al, len);
                        var xw = new Span<double>((double*)ax, len);
                        var invw = new ReadOnlySpan<double>((double*)ad + row0 * bw, jb * bw);
                        for (int c; (c = Interlocked.Increment(ref next) - 1) < chunks;)
                        {
                            int c0 = c * rowChunk, cw = Math.Min(rowChunk, row0 - c0);
                            Gemm.Multiply(false, false, jb, cw, row0 - c0, 1.0, lw[(row0 * n + c0)..], n, xw[(c0 * n + c0)..], n, 0.0, t, cw);
                            Gemm.Multiply(false, false, jb, cw, jb, -1.0, invw, bw, t, cw, 0.0, xw[(row0 * n + c0)..], n);
                        }
                    }
                }
                // A⁻¹ = XᵀX by block rows (as the one-core version): block row I of the lower triangle is
                // X_≥I,Iᵀ·X_≥I,≤I, cut into column chunks staged side by side, then written over rows I of X.
                for (int i0 = 0; i0 < n; i0 += bw)
                {
                    int ib = Math.Min(bw, n - i0), i1 = i0 + ib;
                    int chunks = (i1 + productChunk - 1) / productChunk, next = 0, top = i0;
                    // Chunks left of the diagonal block all read the whole of X_≥I,Iᵀ: pack it once, half each core.
                    int offDiagonal = PrepackedProduct ? top / productChunk : 0;
                    if (offDiagonal > 0)
                    {
                        int split = Math.Min(ib, (ib / 2 + 11) / 12 * 12);
                        Gemm.Concurrently(() => PackColumns(0, split), () => PackColumns(split, ib));
                    }
                    Gemm.Concurrently(Columns, Columns);

                    void PackColumns(int r0, int r1)
                    {
                        if (r1 <= r0) return;
                        var xr = new ReadOnlySpan<double>((double*)ax, len);
                        Gemm.PackRowPanels(true, xr[(top * n + top + r0)..], n, r1 - r0, n - top, packedRows.AsSpan(r0 * (n - top)));
                    }

                    void Columns()
                    {
                        var xw = new Span<double>((double*)ax, len);
                        var tw = stage.AsSpan(0, ib * i1);
                        for (int c; (c = Interlocked.Increment(ref next) - 1) < chunks;)
                        {
                            int c0 = c * productChunk, cw = Math.Min(productChunk, i1 - c0);
                            if (c < offDiagonal)
                            {
                                Gemm.MultiplyPrepackedA(ib, cw, n - top, 1.0, packedRows, n - top, 0, xw[(top * n + c0)..], n, 0.0, tw[c0..], i1);
                                continue;
                            }
                            // Columns inside the diagonal block: rows above the chunk are upper triangle (not needed), and
                            // X is zero above row c0 in these columns, so the inner dimension starts there too.
                            int r = Math.Max(0, c0 - top), k0 = Math.Max(top, c0);
                            Gemm.Multiply(true, false, ib - r, cw, n - k0, 1.0, xw[(k0 * n + top + r)..], n, xw[(k0 * n + c0)..], n, 0.0, tw[(r * i1 + c0)..], i1);
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
            if (foldedRows.Length > 0) pool.Return(foldedRows);
            if (packedRows.Length > 0) pool.Return(packedRows);
            if (packedDiagonal.Length > 0) pool.Return(packedDiagonal);
        }
    }
}
