using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Tests.Optim;

/// <summary>
/// Adam's pass gives an element the same bits wherever it falls (a 512-bit or 256-bit lane, or the scalar tail), and
/// without weight decay it adds no 0·θ term to the gradient, as PyTorch's Adam does not: an infinite parameter stays
/// infinite (0·∞ would make it NaN) and a gradient of −0 is kept.
/// </summary>
public sealed class AdamKernelTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void AnElementGetsTheSameBitsInALaneAndInTheTail(double weightDecay)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // 47 = two 16-lane vectors and a tail of 15 (Float32), or five 8-lane vectors and a tail of 7 (Float64):
            // elements 32-46 repeat elements 0-14, which sit in lanes.
            const int n = 47;
            var rng = new Random(31);
            double[] Repeated(Func<double> draw)
            {
                var a = Enumerable.Range(0, n).Select(_ => draw()).ToArray();
                for (int i = 32; i < n; i++) a[i] = a[i - 32];
                return a;
            }
            var weight = Tensor.FromArray(Repeated(() => rng.NextDouble() - 0.5)).To(dtype);
            weight.RequiresGrad = true;
            var opt = new Adam([weight], lr: 1e-2, weightDecay: weightDecay);
            for (int step = 0; step < 50; step++)
            {
                weight.Grad = Tensor.FromArray(Repeated(() => (rng.NextDouble() * 2 - 1) * Math.Pow(10, -rng.Next(0, 6)))).To(dtype);
                opt.Step();
                var p = weight.ToDoubleArray();
                var v = opt.StateOf(weight)["exp_avg_sq"].ToDoubleArray();
                for (int i = 32; i < n; i++)
                {
                    Assert.True(BitConverter.DoubleToInt64Bits(v[i - 32]) == BitConverter.DoubleToInt64Bits(v[i]),
                        $"{dtype}, step {step}: v[{i - 32}] = {v[i - 32]:R}, v[{i}] = {v[i]:R}");
                    Assert.True(BitConverter.DoubleToInt64Bits(p[i - 32]) == BitConverter.DoubleToInt64Bits(p[i]),
                        $"{dtype}, step {step}: θ[{i - 32}] = {p[i - 32]:R}, θ[{i}] = {p[i]:R}");
                }
            }
        }
    }

    [Fact]
    public void WithoutWeightDecayAnInfiniteParameterStaysInfinite()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (int n in new[] { 37, 64 })
            {
                var start = Enumerable.Range(0, n).Select(i => 0.01 * i).ToArray();
                start[1] = double.PositiveInfinity; // in a lane
                start[n - 2] = double.NegativeInfinity; // in the tail when n = 37
                var weight = Tensor.FromArray(start).To(dtype);
                weight.RequiresGrad = true;
                var opt = new Adam([weight], lr: 1e-3);
                weight.Grad = Tensor.FromArray(Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 0.5 : -0.25).ToArray()).To(dtype);
                opt.Step();
                var p = weight.ToDoubleArray();
                Assert.Equal(double.PositiveInfinity, p[1]);
                Assert.Equal(double.NegativeInfinity, p[n - 2]);
                Assert.All(p.Where((_, i) => i != 1 && i != n - 2), v => Assert.True(double.IsFinite(v)));
            }
    }
}
