using Overfit.Autograd;
using Overfit.Tensors;

namespace Overfit.Tests.Tensors;

/// <summary>Seeded Float64 inputs and assertions shared by the tensor and autograd tests.</summary>
internal static class TensorTestUtil
{
    /// <summary>Standard-normal Float64 leaf with RequiresGrad, seeded by <paramref name="seed"/>.</summary>
    public static Tensor Randn(ulong seed, params int[] shape)
        => Tensor.Randn(shape, new Generator(seed), DType.Float64, requiresGrad: true);

    /// <summary>
    /// Normal values pushed at least <paramref name="gap"/> away from every kink, so central differences
    /// with eps = 1e-6 never straddle a point where the function is not differentiable.
    /// </summary>
    public static Tensor AwayFrom(ulong seed, double[] kinks, double gap, params int[] shape)
    {
        var data = Tensor.Randn(shape, new Generator(seed), DType.Float64).ToDoubleArray();
        for (int i = 0; i < data.Length; i++)
            foreach (var k in kinks)
                if (Math.Abs(data[i] - k) < gap) data[i] = k + (data[i] >= k ? gap : -gap);
        return Tensor.FromArray(data, shape, requiresGrad: true);
    }

    /// <summary>Uniform Float64 leaf in [low, high).</summary>
    public static Tensor Uniform(ulong seed, double low, double high, params int[] shape)
        => Tensor.Uniform(shape, low, high, new Generator(seed), DType.Float64, requiresGrad: true);

    /// <summary>A non-contiguous leaf of <paramref name="shape"/> (2-D): the transpose of a fresh [cols, rows] tensor.</summary>
    public static Tensor TransposedLeaf(ulong seed, int rows, int cols)
    {
        var t = Tensor.Randn([cols, rows], new Generator(seed), DType.Float64).Transpose(0, 1).Detach();
        t.RequiresGrad = true;
        Assert.False(t.IsContiguous);
        return t;
    }

    public static void AssertGradCheck(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Check(f, inputs);
        Assert.True(r.Passed, r.Message);
    }

    public static void AssertClose(double[] expected, Tensor actual, double tol = 1e-10)
    {
        var a = actual.ToDoubleArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(expected[i])) { Assert.True(double.IsNaN(a[i]), $"element {i}: expected NaN, got {a[i]}"); continue; }
            if (double.IsInfinity(expected[i])) { Assert.Equal(expected[i], a[i]); continue; }
            Assert.True(Math.Abs(expected[i] - a[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {a[i]:R}");
        }
    }
}
