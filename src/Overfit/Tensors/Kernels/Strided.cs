namespace Overfit.Tensors.Kernels;

/// <summary>Walks a strided view row by row: the last dimension is the inner loop, the others an odometer.</summary>
internal static class Strided
{
    /// <summary>Copies a strided view of <paramref name="src"/> into the contiguous <paramref name="dst"/>.</summary>
    public static void Gather<T>(T[] src, int offset, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, Span<T> dst)
    {
        int rank = shape.Length;
        if (rank == 0) { if (dst.Length > 0) dst[0] = src[offset]; return; }
        int n = ShapeUtil.Numel(shape);
        if (n == 0) return;
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int pos = offset, o = 0;
        while (true)
        {
            if (innerStride == 1) src.AsSpan(pos, inner).CopyTo(dst.Slice(o, inner));
            else if (innerStride == 0) dst.Slice(o, inner).Fill(src[pos]);
            else for (int j = 0, p = pos; j < inner; j++, p += innerStride) dst[o + j] = src[p];
            o += inner;
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                pos += strides[d];
                if (++idx[d] < shape[d]) break;
                pos -= strides[d] * shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }

    /// <summary>Writes the contiguous <paramref name="src"/> into a strided view of <paramref name="dst"/>.</summary>
    public static void Scatter<T>(ReadOnlySpan<T> src, T[] dst, int offset, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        int rank = shape.Length;
        if (rank == 0) { dst[offset] = src[0]; return; }
        int n = ShapeUtil.Numel(shape);
        if (n == 0) return;
        int inner = shape[rank - 1], innerStride = strides[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int pos = offset, o = 0;
        while (true)
        {
            if (innerStride == 1) src.Slice(o, inner).CopyTo(dst.AsSpan(pos, inner));
            else for (int j = 0, p = pos; j < inner; j++, p += innerStride) dst[p] = src[o + j];
            o += inner;
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                pos += strides[d];
                if (++idx[d] < shape[d]) break;
                pos -= strides[d] * shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }

    /// <summary>
    /// Calls <paramref name="row"/> once per inner row of <paramref name="shape"/> with the start offsets of
    /// up to three operands laid out with their own strides.
    /// </summary>
    public static void ForEachRow(ReadOnlySpan<int> shape, ReadOnlySpan<int> s0, int o0, ReadOnlySpan<int> s1, int o1, ReadOnlySpan<int> s2, int o2, RowAction row)
    {
        int rank = shape.Length;
        if (ShapeUtil.Numel(shape) == 0) return;
        if (rank == 0) { row(o0, o1, o2, 1); return; }
        int inner = shape[rank - 1];
        Span<int> idx = stackalloc int[rank];
        while (true)
        {
            row(o0, o1, o2, inner);
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                o0 += s0[d]; o1 += s1[d]; o2 += s2[d];
                if (++idx[d] < shape[d]) break;
                o0 -= s0[d] * shape[d]; o1 -= s1[d] * shape[d]; o2 -= s2[d] * shape[d];
                idx[d] = 0;
            }
            if (d < 0) return;
        }
    }

    public delegate void RowAction(int o0, int o1, int o2, int length);
}
