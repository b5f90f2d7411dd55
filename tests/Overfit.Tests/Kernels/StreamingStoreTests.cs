using System.Numerics;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// <see cref="VectorLoops.MapStreaming{T, TOp}"/> (non-temporal, 64-byte aligned stores for outputs of at least
/// <see cref="VectorLoops.StreamingMinBytes"/>) against the op's scalar form, element by element and bit for bit, at four
/// start alignments (first, second, fourth and last lane of a 64-byte line), at lengths that leave partial first and last
/// blocks, in place, and through the tensors' backward rules.
/// </summary>
public class StreamingStoreTests
{
    private static T[] Values<T>(int n, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var a = new T[n];
        for (int i = 0; i < n; i++) a[i] = T.CreateTruncating(rng.NextDouble() * 4 - 2);
        a[n / 3] = T.Zero; // the ReLU gradient's boundary
        a[n / 2] = T.NaN;
        return a;
    }

    private static void CheckAllAlignments<T, TOp>(TOp op) where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, ILanewiseBinaryOp<T>
    {
        int minLength = VectorLoops.StreamingMinBytes / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int lanes = 64 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        foreach (int extra in new[] { 0, 1, lanes + 3 })
        {
            int n = minLength + extra;
            var x = Values<T>(n + lanes, 1 + extra);
            var y = Values<T>(n + lanes, 2 + extra);
            foreach (int start in new[] { 0, 1, 3, lanes - 1 })
            {
                var d = new T[n + lanes];
                VectorLoops.MapStreaming(op, x.AsSpan(start, n), y.AsSpan(start, n), d.AsSpan(start, n));
                for (int i = 0; i < n; i++)
                {
                    T e = op.Invoke(x[start + i], y[start + i]);
                    Assert.True(e.Equals(d[start + i]) || (T.IsNaN(e) && T.IsNaN(d[start + i])), $"{typeof(TOp).Name} n={n} start={start} element {i}: expected {e}, got {d[start + i]}");
                }
                // Nothing is written outside the destination span.
                for (int i = 0; i < start; i++) Assert.Equal(T.Zero, d[i]);
                for (int i = start + n; i < d.Length; i++) Assert.Equal(T.Zero, d[i]);
            }
            // In place: the destination is the second operand, at an unaligned start.
            var inPlace = (T[])y.Clone();
            VectorLoops.MapStreaming(op, x.AsSpan(3, n), inPlace.AsSpan(3, n), inPlace.AsSpan(3, n));
            for (int i = 0; i < n; i++)
            {
                T e = op.Invoke(x[3 + i], y[3 + i]);
                Assert.True(e.Equals(inPlace[3 + i]) || (T.IsNaN(e) && T.IsNaN(inPlace[3 + i])), $"{typeof(TOp).Name} in place n={n} element {i}: expected {e}, got {inPlace[3 + i]}");
            }
        }
    }

    [Fact]
    public void EveryAlignmentAndLengthMatchesTheScalarForm()
    {
        CheckAllAlignments<float, ReluGradOp<float>>(new());
        CheckAllAlignments<double, ReluGradOp<double>>(new());
        CheckAllAlignments<double, SigmoidGradOp<double>>(new());
        CheckAllAlignments<float, TanhGradOp<float>>(new());
    }

    [Theory]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float64, 1)]
    [InlineData(DType.Float64, 2)]
    public void LargeActivationGradientsMatchTheirDefinitions(DType dtype, int threads)
    {
        int saved = Threading.NumThreads;
        try
        {
            Threading.NumThreads = threads;
            int n = VectorLoops.StreamingMinBytes / 4 + 5; // above the threshold in both dtypes, and in each Float64 half on 2 threads
            var x = Tensor.Randn([n], new Generator(5), dtype);
            var g = Tensor.Randn([n], new Generator(6), dtype);
            var xs = x.ToDoubleArray();
            var gs = g.ToDoubleArray();
            foreach (var (name, f, df) in new (string, Func<Tensor, Tensor>, Func<double, double>)[]
            {
                ("relu", t => t.Relu(), v => v > 0 ? 1 : 0),
                ("sigmoid", t => t.Sigmoid(), v => { double s = 1 / (1 + Math.Exp(-v)); return s * (1 - s); }),
                ("tanh", t => t.Tanh(), v => 1 - Math.Tanh(v) * Math.Tanh(v)),
            })
            {
                var leaf = x.Detach().Clone();
                leaf.RequiresGrad = true;
                var grad = Overfit.Autograd.Autograd.Gradient(f(leaf), [leaf], g)[0].ToDoubleArray();
                double tol = dtype == DType.Float32 ? 1e-6 : 1e-14;
                for (int i = 0; i < n; i++)
                    Assert.True(Math.Abs(grad[i] - gs[i] * df(xs[i])) <= tol, $"{name} {dtype} threads={threads} element {i}: {grad[i]:R} against {gs[i] * df(xs[i]):R}");
            }
        }
        finally { Threading.NumThreads = saved; }
    }
}
