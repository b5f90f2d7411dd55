using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

namespace Overfit.Tensors.Kernels;

/// <summary>An elementwise function of one value, in scalar and SIMD form (an operator struct; may carry parameters).</summary>
internal interface IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Invoke(T x);
    Vector<T> Invoke(Vector<T> x);
}

/// <summary>A unary op that also has a 512-bit form (<see cref="VectorLoops.MapWide{T, TOp}(TOp, ReadOnlySpan{T}, Span{T})"/> uses it where the hardware has 512-bit lanes).</summary>
internal interface IWideUnaryOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Vector512<T> Invoke(Vector512<T> x);
}

/// <summary>An elementwise function of two values, in scalar and SIMD form.</summary>
internal interface IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Invoke(T x, T y);
    Vector<T> Invoke(Vector<T> x, Vector<T> y);
}

/// <summary>A binary op that also has a 512-bit form (<see cref="VectorLoops.MapWide{T, TOp}(TOp, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>).</summary>
internal interface IWideBinaryOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

/// <summary>An elementwise function of three values, in scalar and SIMD form.</summary>
internal interface ITernaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Invoke(T x, T y, T z);
    Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> z);
}

/// <summary>
/// Runs operator structs over spans: full <see cref="Vector{T}"/> blocks, then a scalar tail.
/// The struct type parameter makes the JIT inline the op (no delegate per element).
/// Destinations may alias an input at the same position (in-place use).
/// Every loop is <see cref="MethodImplOptions.NoInlining"/>: the JIT's inlining budget belongs to the method being
/// compiled and grows with its own size. Inlined into a small caller (a kernel's one-line Apply), which the
/// profile-guided tier does at this hot call site, a loop over exp's dozens of lane operations ran out of that
/// small budget half-way, and the final code called Fma, PowerOfTwo and CopyTo per vector: Float64 exp at 1M
/// elements took 3.4-20 ms instead of 1.0 ms. As the method being compiled, the loop keeps its own budget and
/// everything under it is inlined. One call per span costs nothing.
/// The loops index by reference after one length check per span: with a Slice and its bounds checks per vector, a
/// memory-bound op such as the ReLU gradient spent about 20 instructions on every 32 bytes.
/// </summary>
internal static partial class VectorLoops
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Map<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IUnaryOp<T>
    {
        CheckLength(x.Length, d.Length);
        ref T xs = ref MemoryMarshal.GetReference(x), ds = ref MemoryMarshal.GetReference(d);
        nuint i = 0, n = (nuint)x.Length, w = (nuint)Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= n; i += w) op.Invoke(Vector.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ds, i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i));
    }

    /// <summary>
    /// <see cref="Map{T, TOp}(TOp, ReadOnlySpan{T}, Span{T})"/> on 512-bit blocks where
    /// <see cref="Vector512.IsHardwareAccelerated"/> (compute-bound ops such as exp: half the instructions per element).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MapWide<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IWideUnaryOp<T>
    {
        CheckLength(x.Length, d.Length);
        if (!Vector512.IsHardwareAccelerated)
        {
            Map(op, x, d);
            return;
        }
        ref T xs = ref MemoryMarshal.GetReference(x), ds = ref MemoryMarshal.GetReference(d);
        nuint i = 0, n = (nuint)x.Length, w = (nuint)Vector512<T>.Count;
        for (; i + w <= n; i += w) op.Invoke(Vector512.LoadUnsafe(ref xs, i)).StoreUnsafe(ref ds, i);
        if (i < n) WideTail(op, x.Slice((int)i), d.Slice((int)i));
    }

    /// <summary>
    /// The last partial block of <see cref="MapWide{T, TOp}(TOp, ReadOnlySpan{T}, Span{T})"/> on the same 512-bit lanes, padded with zeros, so that an op whose
    /// 512-bit form computes differently from its narrower ones (Float32 GELU) gives each value the same result wherever
    /// it sits in the span. A method of its own: a stackalloc in the loop's method would keep that method from being
    /// recompiled with profile data.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WideTail<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IWideUnaryOp<T>
    {
        Span<T> pad = stackalloc T[Vector512<T>.Count];
        pad.Clear();
        x.CopyTo(pad);
        op.Invoke(Vector512.Create((ReadOnlySpan<T>)pad)).CopyTo(pad);
        pad.Slice(0, x.Length).CopyTo(d);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Map<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp<T>
    {
        CheckLength(x.Length, y.Length);
        CheckLength(x.Length, d.Length);
        ref T xs = ref MemoryMarshal.GetReference(x), ys = ref MemoryMarshal.GetReference(y), ds = ref MemoryMarshal.GetReference(d);
        nuint i = 0, n = (nuint)x.Length, w = (nuint)Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= n; i += w) op.Invoke(Vector.LoadUnsafe(ref xs, i), Vector.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ds, i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i));
    }

    /// <summary>
    /// The binary <see cref="Map{T, TOp}(TOp, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> on 512-bit blocks where
    /// <see cref="Vector512.IsHardwareAccelerated"/>, the last partial block padded with zeros on the same lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MapWide<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IWideBinaryOp<T>
    {
        CheckLength(x.Length, y.Length);
        CheckLength(x.Length, d.Length);
        if (!Vector512.IsHardwareAccelerated)
        {
            Map(op, x, y, d);
            return;
        }
        ref T xs = ref MemoryMarshal.GetReference(x), ys = ref MemoryMarshal.GetReference(y), ds = ref MemoryMarshal.GetReference(d);
        nuint i = 0, n = (nuint)x.Length, w = (nuint)Vector512<T>.Count;
        for (; i + w <= n; i += w) op.Invoke(Vector512.LoadUnsafe(ref xs, i), Vector512.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ds, i);
        if (i < n) WideTail(op, x.Slice((int)i), y.Slice((int)i), d.Slice((int)i));
    }

    /// <summary>The binary <see cref="MapWide{T, TOp}(TOp, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with a scalar second operand.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MapWide<T, TOp>(TOp op, ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IWideBinaryOp<T>
    {
        CheckLength(x.Length, d.Length);
        if (!Vector512.IsHardwareAccelerated)
        {
            Map(op, x, y, d);
            return;
        }
        ref T xs = ref MemoryMarshal.GetReference(x), ds = ref MemoryMarshal.GetReference(d);
        nuint i = 0, n = (nuint)x.Length, w = (nuint)Vector512<T>.Count;
        var vy = Vector512.Create(y);
        for (; i + w <= n; i += w) op.Invoke(Vector512.LoadUnsafe(ref xs, i), vy).StoreUnsafe(ref ds, i);
        if (i < n)
        {
            Span<T> ys = stackalloc T[(int)w];
            ys.Fill(y);
            WideTail(op, x.Slice((int)i), ys.Slice(0, (int)(n - i)), d.Slice((int)i));
        }
    }

    /// <summary>The last partial block of the binary <see cref="MapWide{T, TOp}(TOp, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> (see the unary one).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WideTail<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IWideBinaryOp<T>
    {
        Span<T> px = stackalloc T[Vector512<T>.Count];
        Span<T> py = stackalloc T[Vector512<T>.Count];
        px.Clear();
        py.Clear();
        x.CopyTo(px);
        y.CopyTo(py);
        op.Invoke(Vector512.Create((ReadOnlySpan<T>)px), Vector512.Create((ReadOnlySpan<T>)py)).CopyTo(px);
        px.Slice(0, x.Length).CopyTo(d);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Map<T, TOp>(TOp op, ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp<T>
    {
        CheckLength(x.Length, d.Length);
        ref T xs = ref MemoryMarshal.GetReference(x), ds = ref MemoryMarshal.GetReference(d);
        nuint i = 0, n = (nuint)x.Length, w = (nuint)Vector<T>.Count;
        var vy = new Vector<T>(y);
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= n; i += w) op.Invoke(Vector.LoadUnsafe(ref xs, i), vy).StoreUnsafe(ref ds, i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i), y);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Map<T, TOp>(TOp op, T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IBinaryOp<T>
    {
        CheckLength(y.Length, d.Length);
        ref T ys = ref MemoryMarshal.GetReference(y), ds = ref MemoryMarshal.GetReference(d);
        nuint i = 0, n = (nuint)y.Length, w = (nuint)Vector<T>.Count;
        var vx = new Vector<T>(x);
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= n; i += w) op.Invoke(vx, Vector.LoadUnsafe(ref ys, i)).StoreUnsafe(ref ds, i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(x, Unsafe.Add(ref ys, i));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Map<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ITernaryOp<T>
    {
        CheckLength(x.Length, y.Length);
        CheckLength(x.Length, z.Length);
        CheckLength(x.Length, d.Length);
        ref T xs = ref MemoryMarshal.GetReference(x), ys = ref MemoryMarshal.GetReference(y), zs = ref MemoryMarshal.GetReference(z), ds = ref MemoryMarshal.GetReference(d);
        nuint i = 0, n = (nuint)x.Length, w = (nuint)Vector<T>.Count;
        if (Vector.IsHardwareAccelerated)
            for (; i + w <= n; i += w) op.Invoke(Vector.LoadUnsafe(ref xs, i), Vector.LoadUnsafe(ref ys, i), Vector.LoadUnsafe(ref zs, i)).StoreUnsafe(ref ds, i);
        for (; i < n; i++) Unsafe.Add(ref ds, i) = op.Invoke(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i), Unsafe.Add(ref zs, i));
    }

    private static void CheckLength(int a, int b)
    {
        if (a != b) throw new ArgumentException($"span lengths differ: {a} and {b}");
    }
}
