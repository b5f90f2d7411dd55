using System.Numerics.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// The span max/min kernel (four 512-bit accumulators from a 64-byte boundary, a NaN check per vector) against
/// TensorPrimitives.Max/Min (its reference and fallback): same value for every length, offset (so every alignment of the
/// start), sign of the data, ±∞, and NaN anywhere (head, vector body, tail). The sign of a zero result is left to the
/// caller (Tensor.Max looks for the first zero), so zeros compare by value.
/// </summary>
public class ExtremesTests
{
    [Fact]
    public void MatchesTensorPrimitivesForFloatAndDouble()
    {
        var rng = new Random(21);
        foreach (int n in new[] { 1, 5, 63, 64, 65, 200, 1000, 4099 })
            for (int offset = 0; offset < 17; offset += 3)
            {
                var d = new double[n + offset];
                for (int i = 0; i < d.Length; i++) d[i] = rng.NextDouble() * 200 - (n % 2 == 0 ? 100 : 300);
                var f = d.Select(v => (float)v).ToArray();
                Check(d.AsSpan(offset), n, offset);
                Check(f.AsSpan(offset), n, offset);
                foreach (int at in new[] { 0, n / 2, n - 1 })
                {
                    var withInf = (double[])d.Clone();
                    withInf[offset + at] = at % 2 == 0 ? double.PositiveInfinity : double.NegativeInfinity;
                    Check(withInf.AsSpan(offset), n, offset);
                    var withNaN = (float[])f.Clone();
                    withNaN[offset + at] = float.NaN;
                    Assert.True(float.IsNaN(Extremes.Of<float>(withNaN.AsSpan(offset), max: true)), $"n = {n}, offset {offset}: a NaN at {at} must give NaN (max)");
                    Assert.True(float.IsNaN(Extremes.Of<float>(withNaN.AsSpan(offset), max: false)), $"n = {n}, offset {offset}: a NaN at {at} must give NaN (min)");
                }
            }
        Assert.Throws<ArgumentException>(() => Extremes.Of(ReadOnlySpan<float>.Empty, max: true));
    }

    private static void Check<T>(ReadOnlySpan<T> x, int n, int offset) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.True(TensorPrimitives.Max(x) == Extremes.Of(x, max: true), $"max of {n} values at offset {offset}: {Extremes.Of(x, max: true)}, expected {TensorPrimitives.Max(x)}");
        Assert.True(TensorPrimitives.Min(x) == Extremes.Of(x, max: false), $"min of {n} values at offset {offset}: {Extremes.Of(x, max: false)}, expected {TensorPrimitives.Min(x)}");
    }
}
