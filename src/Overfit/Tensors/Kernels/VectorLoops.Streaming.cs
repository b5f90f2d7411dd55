using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Overfit.Tensors.Kernels;

/// <summary>An elementwise op whose 512-bit form computes every lane from that lane's inputs alone (no choice of path made across lanes).</summary>
internal interface ILanewiseBinaryOp<T> : IWideBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>;

internal static partial class VectorLoops
{
    /// <summary>
    /// Fewest destination bytes for which <see cref="MapStreaming{T, TOp}"/> writes past the caches. Measured on 2-core
    /// AVX-512 machines with 2 MB of L2 per core, a Float64 ReLU gradient (two inputs, one output): 512 KB of output is
    /// 25 % slower with non-temporal stores (all three arrays still fit in L2), 768 KB already 17 % faster, 8 MB 16–19 %
    /// faster (the store no longer reads each line it is about to overwrite).
    /// </summary>
    public const int StreamingMinBytes = 1 << 20;

    /// <summary>
    /// d = op(x, y) on 512-bit lanes; where d is at least <see cref="StreamingMinBytes"/> long, the stores are
    /// non-temporal and 64-byte aligned. The unaligned first and last blocks are computed before anything is stored
    /// and written last, so a destination that aliases an input at the same position reads only original values, and
    /// every element is computed by the vector form wherever the buffer happens to sit in memory (the op's lanes must be
    /// independent of each other for the overlapping blocks to agree). Below the threshold, or without 512-bit lanes, this is
    /// <see cref="MapWide{T, TOp}(TOp, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe void MapStreaming<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ILanewiseBinaryOp<T>
    {
        CheckLength(x.Length, y.Length);
        CheckLength(x.Length, d.Length);
        if (!Vector512.IsHardwareAccelerated || !Sse.IsSupported || (long)d.Length * sizeof(T) < StreamingMinBytes)
        {
            MapWide(op, x, y, d);
            return;
        }
        nuint n = (nuint)d.Length, w = (nuint)Vector512<T>.Count;
        fixed (T* px = &MemoryMarshal.GetReference(x), py = &MemoryMarshal.GetReference(y), pd = &MemoryMarshal.GetReference(d))
        {
            var first = op.Invoke(Vector512.Load(px), Vector512.Load(py));
            var last = op.Invoke(Vector512.Load(px + (n - w)), Vector512.Load(py + (n - w)));
            nuint i = (64 - ((nuint)pd & 63)) % 64 / (nuint)sizeof(T);
            for (; i + 2 * w <= n; i += 2 * w)
            {
                var a = op.Invoke(Vector512.Load(px + i), Vector512.Load(py + i));
                var b = op.Invoke(Vector512.Load(px + i + w), Vector512.Load(py + i + w));
                Vector512.StoreAlignedNonTemporal(a, pd + i);
                Vector512.StoreAlignedNonTemporal(b, pd + i + w);
            }
            if (i + w <= n) Vector512.StoreAlignedNonTemporal(op.Invoke(Vector512.Load(px + i), Vector512.Load(py + i)), pd + i);
            // Non-temporal stores are weakly ordered: fence them before the caller (or another thread) reads d.
            Sse.StoreFence();
            Vector512.Store(first, pd);
            Vector512.Store(last, pd + (n - w));
        }
    }
}
