using Overfit.Tensors;

namespace Overfit.Tests.Tensors;

/// <summary>
/// Every SIMD kernel at every length 0..257 (all vector widths plus every tail) against plain scalar loops,
/// in Float32 and Float64.
/// </summary>
public class SimdTailTests
{
    private const int MaxLength = 257;

    private static double[] Values(int n, ulong seed, DType dtype)
    {
        var t = Tensor.Randn([n], new Generator(seed), DType.Float64).Mul(2.0);
        // Round through the dtype so the scalar reference sees exactly the tensor's inputs.
        return t.To(dtype).ToDoubleArray();
    }

    private static void Check(string what, int n, DType dtype, double[] expected, Tensor actual)
    {
        double tol = dtype == DType.Float32 ? 2e-6 : 1e-13;
        var a = actual.ToDoubleArray();
        Assert.True(expected.Length == a.Length, $"{what} n={n} {dtype}: length {a.Length}, expected {expected.Length}");
        for (int i = 0; i < a.Length; i++)
        {
            double e = expected[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a[i]) : e == a[i] || Math.Abs(e - a[i]) <= tol * Math.Max(1, Math.Abs(e));
            Assert.True(ok, $"{what} n={n} {dtype} element {i}: expected {e:R}, got {a[i]:R}");
        }
    }

    private static double[] Map(double[] x, Func<double, double> f) => x.Select(f).ToArray();

    private static double[] Zip(double[] x, double[] y, Func<double, double, double> f) => x.Zip(y, f).ToArray();

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ElementwiseKernelsAtEveryLength(DType dtype)
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            var x = Values(n, (ulong)n, dtype);
            var y = Values(n, (ulong)n + 1000, dtype);
            var tx = Tensor.FromArray(x, [n]).To(dtype);
            var ty = Tensor.FromArray(y, [n]).To(dtype);
            Check("add", n, dtype, Zip(x, y, (a, b) => a + b), tx.Add(ty));
            Check("sub scalar", n, dtype, Map(x, a => a - 0.5), tx.Sub(0.5));
            Check("mul", n, dtype, Zip(x, y, (a, b) => a * b), tx.Mul(ty));
            Check("div", n, dtype, Zip(x, y, (a, b) => a / (Math.Abs(b) + 1)), tx.Div(ty.Abs().Add(1.0)));
            Check("maximum", n, dtype, Zip(x, y, Math.Max), tx.Maximum(ty));
            Check("exp", n, dtype, Map(x, Math.Exp), tx.Exp());
            Check("tanh", n, dtype, Map(x, Math.Tanh), tx.Tanh());
            Check("sigmoid", n, dtype, Map(x, a => 1 / (1 + Math.Exp(-a))), tx.Sigmoid());
            Check("relu", n, dtype, Map(x, a => Math.Max(a, 0)), tx.Relu());
            Check("leaky relu", n, dtype, Map(x, a => a > 0 ? a : 0.1 * a), tx.LeakyRelu(0.1));
            Check("elu", n, dtype, Map(x, a => a > 0 ? a : Math.Exp(a) - 1), tx.Elu());
            Check("softplus", n, dtype, Map(x, a => Math.Log(1 + Math.Exp(a))), tx.Softplus());
            Check("clamp", n, dtype, Map(x, a => Math.Clamp(a, -1, 0.5)), tx.Clamp(-1, 0.5));
            Check("sign", n, dtype, Map(x, a => Math.Sign(a)), tx.Sign());
            Check("gt", n, dtype, Zip(x, y, (a, b) => a > b ? 1 : 0), tx.Gt(ty));
            Check("le scalar", n, dtype, Map(x, a => a <= 0.25 ? 1 : 0), tx.Le(0.25));
            Check("where", n, dtype, Zip(x, y, (a, b) => a > 0 ? a : b), Tensor.Where(tx.Gt(0.0), tx, ty));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BackwardKernelsAtEveryLength(DType dtype)
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            var x = Values(n, (ulong)n, dtype);
            var g = Values(n, (ulong)n + 2000, dtype);
            var tg = Tensor.FromArray(g, [n]).To(dtype);
            Tensor Grad(Func<Tensor, Tensor> f)
            {
                var tx = Tensor.FromArray(x, [n]).To(dtype);
                tx.RequiresGrad = true;
                f(tx).Backward(tg);
                return tx.Grad!;
            }
            Check("relu'", n, dtype, Zip(x, g, (a, b) => a > 0 ? b : 0), Grad(t => t.Relu()));
            Check("leaky relu'", n, dtype, Zip(x, g, (a, b) => a > 0 ? b : 0.2 * b), Grad(t => t.LeakyRelu(0.2)));
            Check("elu'", n, dtype, Zip(x, g, (a, b) => a > 0 ? b : b * Math.Exp(a)), Grad(t => t.Elu()));
            Check("clamp'", n, dtype, Zip(x, g, (a, b) => a >= -1 && a <= 1 ? b : 0), Grad(t => t.Clamp(-1, 1)));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ReductionsAtEveryLength(DType dtype)
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            var x = Values(n, (ulong)n + 3000, dtype);
            var tx = Tensor.FromArray(x, [n]).To(dtype);
            Check("sum", n, dtype, [x.Sum()], tx.Sum());
            var rows = Tensor.FromArray(x.Concat(x.Select(v => -v)).ToArray(), [2, n]).To(dtype);
            Check("row sums", n, dtype, [x.Sum(), -x.Sum()], rows.Sum(1));
            Check("leading-dim sums", n, dtype, Zip(x, x, (a, b) => a - b), rows.Sum(0));
            double lse = n == 0 ? double.NegativeInfinity : Math.Log(x.Sum(v => Math.Exp(v - x.Max()))) + x.Max();
            Check("logsumexp", n, dtype, [lse], tx.LogSumExp(0));
            Check("softmax", n, dtype, Map(x, v => Math.Exp(v - lse)), tx.Softmax(0));
            Check("log softmax", n, dtype, Map(x, v => v - lse), tx.LogSoftmax(0));
            if (n == 0) continue;
            Check("max", n, dtype, [x.Max()], tx.Max());
            Check("min", n, dtype, [x.Min()], tx.Min());
            Assert.Equal(Array.IndexOf(x, x.Max()), tx.ArgMax(0)[0]);
            Assert.Equal(Array.IndexOf(x, x.Min()), tx.ArgMin(0)[0]);
            var (lead, leadIndex) = rows.Max(0);
            Check("leading-dim max", n, dtype, Map(x, Math.Abs), lead);
            Assert.Equal(x.Select(v => v >= 0 ? 0 : 1).ToArray(), leadIndex);
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LeadingDimExtremesAgreeWithTheRowPath(DType dtype)
    {
        // Max/min over dim 0 of a contiguous tensor sweeps rows with SIMD; over dim 1 of the transpose it
        // searches rows with IndexOfMax. Both must give the same values and first indices, NaN included.
        foreach (int cols in new[] { 1, 7, 37, 64, 131 })
        {
            var data = Values(6 * cols, (ulong)cols, DType.Float64);
            for (int k = 0; k < data.Length; k += 11) data[k] = Math.Round(data[k]); // ties
            data[3 * cols + cols / 2] = double.NaN;
            var t = Tensor.FromArray(data, [6, cols]).To(dtype);
            foreach (bool max in new[] { true, false })
            {
                var (v0, i0) = max ? t.Max(0) : t.Min(0);
                var (v1, i1) = max ? t.T.Max(1) : t.T.Min(1);
                Check(max ? "leading max" : "leading min", cols, dtype, v1.ToDoubleArray(), v0);
                Assert.Equal(i1, i0);
            }
        }
    }
}
