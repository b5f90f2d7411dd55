using Overfit.Optim;
using Overfit.Tensors;

namespace Overfit.Tests.Optim;

/// <summary>
/// SGD's vectorized pass (512-bit or 256-bit lanes, a scalar tail, two halves on two cores for long parameters) gives
/// exactly the bits of the scalar formula d = g (+ wd·θ), b = d or μ·b + (1 − dampening)·d, d = d + μ·b (Nesterov) or b,
/// θ −= lr·d, over three steps, for every combination of momentum, dampening, weight decay and Nesterov, in both
/// precisions, at lengths that leave a tail and at one long enough to be split; and with a gradient of −0 and an
/// infinite parameter where there is no weight decay (no 0·θ term is added).
/// </summary>
public sealed class SgdKernelTests
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
}
