using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Overfit.Data.Kernels;

/// <summary>Bytes to Float32 in [0, 1], vectorized: widen 8 -> 16 -> 32 bits, convert, divide by 255.</summary>
internal static class PixelConversion
{
    /// <summary>
    /// dst[i] = src[i] / 255f. Division (not multiplication by 1/255) so that each value equals torchvision's
    /// img.float().div(255) bit for bit; vector division rounds exactly like the scalar one.
    /// </summary>
    public static void ToUnitFloats(ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException($"dst must hold {src.Length} values, got {dst.Length}", nameof(dst));
        int i = 0;
        if (Vector256.IsHardwareAccelerated && src.Length >= 32)
        {
            ref byte s = ref MemoryMarshal.GetReference(src);
            ref float d = ref MemoryMarshal.GetReference(dst);
            var divisor = Vector256.Create(255f);
            for (; i <= src.Length - 32; i += 32)
            {
                var bytes = Vector256.LoadUnsafe(ref s, (nuint)i);
                var (low, high) = Vector256.Widen(bytes);
                var (a, b) = Vector256.Widen(low);
                var (c, e) = Vector256.Widen(high);
                (Vector256.ConvertToSingle(a.AsInt32()) / divisor).StoreUnsafe(ref d, (nuint)i);
                (Vector256.ConvertToSingle(b.AsInt32()) / divisor).StoreUnsafe(ref d, (nuint)(i + 8));
                (Vector256.ConvertToSingle(c.AsInt32()) / divisor).StoreUnsafe(ref d, (nuint)(i + 16));
                (Vector256.ConvertToSingle(e.AsInt32()) / divisor).StoreUnsafe(ref d, (nuint)(i + 24));
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i] / 255f;
    }
}
