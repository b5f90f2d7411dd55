using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Tests.Optim;

/// <summary>
/// SGD's vectorized pass (512-bit or 256-bit lanes, a scalar tail, two halves on two cores for long parameters) gives
/// exactly the bits of the scalar formula d = g (+ wd·θ), b = d or μ·b + (1 − dampening)·d, d = d + μ·b (Nesterov) or b,
/// θ −= lr·d, over three steps, for every combination of momentum, dampening, weight decay and Nesterov, in both
/// precisions, at lengths that leave a tail and at one long enough to be split; and with a gradient of −0 and an
/// infinite parameter where there is no weight decay (no 0·θ term is added). Momentum that a zero gradient has decayed
/// into the subnormals takes a path of its own on 512-bit lanes, with the same bits: checked on random lanes and over
/// 1,200 steps of a weight vector half of whose gradients stop.
/// </summary>
public sealed unsafe class SgdKernelTests
{
    private static void Reference(double[] p, double[] g, double[] b, bool first, double lr, double mu, double dampening, double wd, bool nesterov, bool single)
    {
        for (int i = 0; i < p.Length; i++)
        {
            if (single)
            {
                float d = (float)g[i], pf = (float)p[i], bf = (float)b[i];
                if (wd != 0) d += (float)wd * pf;
                if (mu != 0)
                {
                    bf = first ? d : (float)mu * bf + (float)(1 - dampening) * d;
                    d = nesterov ? d + (float)mu * bf : bf;
                }
                p[i] = pf - (float)lr * d;
                b[i] = bf;
            }
            else
            {
                double d = g[i];
                if (wd != 0) d += wd * p[i];
                if (mu != 0)
                {
                    b[i] = first ? d : mu * b[i] + (1 - dampening) * d;
                    d = nesterov ? d + mu * b[i] : b[i];
                }
                p[i] -= lr * d;
            }
        }
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, false)]
    [InlineData(0.9, 0.0, 0.0, false)]
    [InlineData(0.9, 0.1, 0.05, false)]
    [InlineData(0.9, 0.0, 0.05, true)]
    [InlineData(0.0, 0.0, 0.05, false)]
    public void VectorPassMatchesTheScalarFormulaBitForBit(double mu, double dampening, double wd, bool nesterov)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (int n in new[] { 1, 15, 37, 1000, (1 << 15) + 77 })
            {
                bool single = dtype == DType.Float32;
                var rng = new Random(n);
                double Round(double v) => single ? (float)v : v;
                var p = Enumerable.Range(0, n).Select(_ => Round(rng.NextDouble() - 0.5)).ToArray();
                if (wd == 0 && n > 3) { p[1] = double.PositiveInfinity; p[2] = -0.0; }
                var weight = Tensor.FromArray(p).To(dtype);
                weight.RequiresGrad = true;
                var opt = new SGD([weight], lr: 0.01, momentum: mu, dampening: dampening, weightDecay: wd, nesterov: nesterov);
                var b = new double[n];
                for (int step = 0; step < 3; step++)
                {
                    var g = Enumerable.Range(0, n).Select(_ => Round(rng.NextDouble() - 0.5)).ToArray();
                    if (n > 3) g[2] = -0.0;
                    weight.Grad = Tensor.FromArray(g).To(dtype);
                    opt.Step();
                    Reference(p, g, b, step == 0, 0.01, mu, dampening, wd, nesterov, single);
                    var actual = weight.ToDoubleArray();
                    for (int i = 0; i < n; i++)
                        Assert.True(BitConverter.DoubleToInt64Bits(p[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                            $"{dtype}, n = {n}, step {step}, θ[{i}]: expected {p[i]:R}, got {actual[i]:R}");
                    if (mu != 0)
                    {
                        var buffer = opt.StateOf(weight)["momentum_buffer"].ToDoubleArray();
                        for (int i = 0; i < n; i++)
                            Assert.True(BitConverter.DoubleToInt64Bits(b[i]) == BitConverter.DoubleToInt64Bits(buffer[i]),
                                $"{dtype}, n = {n}, step {step}, b[{i}]: expected {b[i]:R}, got {buffer[i]:R}");
                    }
                }
            }
    }

    /// <summary>A momentum a long run of zero gradients leaves (<see cref="NearZeroValues.TinyOrZero"/>) or, one time in five, an ordinary one.</summary>
    private static float Momentum(Random rng)
        => rng.Next(5) == 4 ? (rng.Next(2) == 0 ? 1 : -1) * MathF.ScaleB(1 + rng.NextSingle(), rng.Next(-30, 0)) : NearZeroValues.TinyOrZero(rng);

    [Fact]
    public void NearZeroLanesMatchFloat32ArithmeticBitForBit()
    {
        if (!System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) return; // the 512-bit loop only
        var rng = new Random(21);
        for (int trial = 0; trial < 20000; trial++)
        {
            bool nesterov = trial % 4 == 1, decay = trial % 4 == 3;
            var s = new SgdScalars<float>(trial % 2 == 0 ? 0.01f : 0.1f, decay ? 0.05f : 0f, 0.9f, trial % 3 == 0 ? 0.9f : 1f, decay, true, false, nesterov);
            var p = new float[16];
            var g = new float[16];
            var b = new float[16];
            for (int i = 0; i < 16; i++)
            {
                b[i] = Momentum(rng);
                bool dead = MathF.Abs(b[i]) < 1e-33f && rng.Next(8) != 0;
                g[i] = dead ? (rng.Next(2) == 0 ? 0f : -0f) : MathF.ScaleB(rng.NextSingle() - 0.5f, -rng.Next(0, 70));
                p[i] = rng.Next(50) == 0 ? MathF.ScaleB(rng.NextSingle(), -rng.Next(60, 140)) : MathF.ScaleB(rng.NextSingle() - 0.5f, -rng.Next(0, 12));
            }
            double[] pe = p.Select(v => (double)v).ToArray(), ge = g.Select(v => (double)v).ToArray(), be = b.Select(v => (double)v).ToArray();
            Reference(pe, ge, be, false, s.Lr, s.Momentum, 1 - (double)s.Keep, decay ? s.WeightDecay : 0, nesterov, single: true);
            fixed (float* pp = p) fixed (float* pg = g) fixed (float* pb = b) SgdTinyLanes.Update(pp, pg, pb, s);
            for (int i = 0; i < 16; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits((float)be[i]) == BitConverter.SingleToInt32Bits(b[i]), $"trial {trial}, b[{i}]: expected {be[i]:R}, got {b[i]:R}");
                Assert.True(BitConverter.SingleToInt32Bits((float)pe[i]) == BitConverter.SingleToInt32Bits(p[i]), $"trial {trial}, θ[{i}]: expected {pe[i]:R}, got {p[i]:R}");
            }
        }
    }

    [Fact]
    public void DeadUnitsMomentumIntoTheSubnormalsMatchesTheScalarFormula()
    {
        // 64 weights, the first 32 without gradient after step 20: their momentum decays through the subnormals.
        const int n = 64, steps = 1200;
        var p = Enumerable.Range(0, n).Select(i => (double)(0.05f * MathF.Sin(i + 1))).ToArray();
        var weight = Tensor.FromArray(p).To(DType.Float32);
        weight.RequiresGrad = true;
        var opt = new SGD([weight], lr: 0.01, momentum: 0.9);
        var b = new double[n];
        var rng = new Random(22);
        bool sawSubnormal = false;
        for (int t = 0; t < steps; t++)
        {
            var g = Enumerable.Range(0, n).Select(i => i < 32 && t >= 20 ? 0.0 : (double)(float)((rng.NextDouble() - 0.5) * 1e-2)).ToArray();
            weight.Grad = Tensor.FromArray(g).To(DType.Float32);
            opt.Step();
            Reference(p, g, b, t == 0, 0.01, 0.9, 0, 0, false, single: true);
            var actual = weight.ToDoubleArray();
            var buffer = opt.StateOf(weight)["momentum_buffer"].ToDoubleArray();
            for (int i = 0; i < n; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(p[i]) == BitConverter.DoubleToInt64Bits(actual[i]), $"step {t}, θ[{i}]: expected {p[i]:R}, got {actual[i]:R}");
                Assert.True(BitConverter.DoubleToInt64Bits(b[i]) == BitConverter.DoubleToInt64Bits(buffer[i]), $"step {t}, b[{i}]: expected {b[i]:R}, got {buffer[i]:R}");
            }
            sawSubnormal |= buffer.Any(v => float.IsSubnormal((float)v));
        }
        Assert.True(sawSubnormal, "the dead weights' momentum should have reached the subnormals");
    }
}
