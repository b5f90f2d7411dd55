using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// The 64-byte cache line the 512-bit loops align to: a load that straddles two lines costs two, and aligned
/// non-temporal stores need the boundary.
/// </summary>
internal static class CacheLine
{
    /// <summary>Bytes per line (and per 512-bit vector).</summary>
    public const int Bytes = 64;

    /// <summary>Elements of <typeparamref name="T"/> from <paramref name="p"/> to the next line boundary (0 when already on one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe nuint ElementsToBoundary<T>(T* p) where T : unmanaged
        => (Bytes - ((nuint)p & (Bytes - 1))) % Bytes / (nuint)sizeof(T);

    /// <summary><see cref="ElementsToBoundary{T}(T*)"/> for the element at <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe nuint ElementsToBoundary<T>(ref T start) where T : unmanaged
        => ElementsToBoundary((T*)Unsafe.AsPointer(ref start));
}
