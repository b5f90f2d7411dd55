using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>Factories, views, conversions and text form.</summary>
public class FactoryAndViewTests
{
    [Fact]
    public void FactoriesFillShapeAndDType()
    {
        var z = Tensor.Zeros([2, 3]);
        Assert.Equal(DType.Float32, z.DType);
        Assert.Equal([2, 3], z.Shape);
        Assert.Equal(6, z.Numel);
        Assert.Equal(2, z.Rank);
        Assert.All(z.ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.All(Tensor.Ones([4], DType.Float64).ToDoubleArray(), v => Assert.Equal(1.0, v));
        Assert.All(Tensor.Full([2, 2], -2.5, DType.Float64).ToDoubleArray(), v => Assert.Equal(-2.5, v));
        Assert.Equal(7.0, Tensor.Scalar(7.0).Item());
        Assert.Equal(0, Tensor.Scalar(7.0).Rank);
        Assert.True(Tensor.Zeros([3], requiresGrad: true).RequiresGrad);
        Assert.Equal(0, Tensor.Zeros([0, 5]).Numel);
    }

    [Fact]
    public void ArangeLinspaceEye()
    {
        AssertClose([0, 1, 2, 3, 4], Tensor.Arange(5, DType.Float64));
        AssertClose([1, 1.5, 2, 2.5], Tensor.Arange(1, 3, 0.5, DType.Float64));
        AssertClose([5, 3, 1], Tensor.Arange(5, 0, -2, DType.Float64));
        Assert.Equal(0, Tensor.Arange(3, 1).Numel);
        AssertClose([0, 0.25, 0.5, 0.75, 1], Tensor.Linspace(0, 1, 5, DType.Float64));
        AssertClose([-1, 2], Tensor.Linspace(-1, 2, 2, DType.Float64));
        AssertClose([3], Tensor.Linspace(3, 9, 1, DType.Float64));
        AssertClose([1, 0, 0, 0, 1, 0], Tensor.Eye(2, 3, DType.Float64));
        AssertClose([1, 0, 0, 1], Tensor.Eye(2));
    }

    [Fact]
    public void FromArrayCopiesAndChecksLength()
    {
        var data = new double[] { 1, 2, 3, 4, 5, 6 };
        var t = Tensor.FromArray(data, [2, 3]);
        data[0] = 100;
        Assert.Equal(1.0, t[0, 0]);
        Assert.Equal(6.0, t[1, 2]);
        Assert.Equal(6.0, t[-1, -1]);
        Assert.Equal([3], Tensor.FromArray(new float[] { 1, 2, 3 }).Shape);
        var m = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        Assert.Equal([3, 2], m.Shape);
        Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, m.ToMatrix());
        Assert.Equal(new double[,] { { 1, 3, 5 }, { 2, 4, 6 } }, m.T.ToMatrix());
        var error = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new double[5], [2, 3]));
        Assert.Contains("5", error.Message);
        Assert.Contains("[2, 3]", error.Message);
        Assert.Throws<IndexOutOfRangeException>(() => t[2, 0]);
    }

    [Fact]
    public void SeededRandomFactoriesAreReproducible()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            Assert.Equal(Tensor.Randn([50], new Generator(7), dtype).ToDoubleArray(), Tensor.Randn([50], new Generator(7), dtype).ToDoubleArray());
            Assert.Equal(Tensor.Rand([50], new Generator(7), dtype).ToDoubleArray(), Tensor.Rand([50], new Generator(7), dtype).ToDoubleArray());
            Assert.NotEqual(Tensor.Randn([50], new Generator(7), dtype).ToDoubleArray(), Tensor.Randn([50], new Generator(8), dtype).ToDoubleArray());
        }
        var u = Tensor.Rand([20000], new Generator(3), DType.Float32).ToFloatArray();
        Assert.All(u, v => Assert.InRange(v, 0f, 0.99999994f));
        Assert.InRange(u.Average(), 0.49, 0.51);
        var n = Tensor.Randn([20000], new Generator(3), DType.Float64).ToDoubleArray();
        Assert.InRange(n.Average(), -0.03, 0.03);
        Assert.InRange(n.Select(v => v * v).Average(), 0.95, 1.05);
        var w = Tensor.Uniform([1000], -2, 3, new Generator(4), DType.Float64).ToDoubleArray();
        Assert.All(w, v => Assert.InRange(v, -2, 3 - 1e-12));
        // One generator stream: two draws in a row differ, a reseed repeats them.
        var g = new Generator(11);
        var first = Tensor.Randn([5], g).ToFloatArray();
        Assert.NotEqual(first, Tensor.Randn([5], g).ToFloatArray());
        g.ManualSeed(11);
        Assert.Equal(first, Tensor.Randn([5], g).ToFloatArray());
    }

    [Fact]
    public void ViewsShareStorageAndCopiesDoNot()
    {
        var t = Tensor.Arange(6, DType.Float64).Reshape(2, 3);
        Assert.True(t.IsContiguous);
        var tt = t.T;
        Assert.False(tt.IsContiguous);
        Assert.Equal([3, 2], tt.Shape);
        Assert.Equal([1, 3], tt.Strides);
        var view = t.Slice(1, 1, 3);
        view.FillInPlace(-1);
        AssertClose([0, -1, -1, 3, -1, -1], t);
        var copy = t.Clone();
        copy.FillInPlace(9);
        Assert.Equal(0.0, t[0, 0]);
        var c = tt.Contiguous();
        Assert.True(c.IsContiguous);
        AssertClose([0, 3, -1, -1, -1, -1], c);
        Assert.Same(t, t.Contiguous());
        t.Select(0, 0).CopyFrom(Tensor.FromArray([7.0], [1]));
        AssertClose([7, 7, 7, 3, -1, -1], t);
        Assert.Throws<InvalidOperationException>(() => tt.AsSpan<double>());
        Assert.Throws<InvalidOperationException>(() => t.AsSpan<float>());
        Assert.Equal([1, 2, 3], t.Unsqueeze(0).Shape);
        Assert.Equal([2, 3, 1], t.Unsqueeze(-1).Shape);
        Assert.Equal([2, 3], t.Unsqueeze(0).Squeeze().Shape);
        Assert.Equal([6], t.Flatten().Shape);
        Assert.Equal([2, 3], t.View(-1, 3).Shape);
        Assert.Equal([4, 2, 3], t.Expand(4, 2, 3).Shape);
    }

    [Fact]
    public void ToArrayItemAndDTypeConversion()
    {
        var t = Tensor.FromArray([1.5, -2.25, 3.0], [3]);
        Assert.Equal(new float[] { 1.5f, -2.25f, 3f }, t.ToFloatArray());
        Assert.Equal(new double[] { 1.5, -2.25, 3 }, t.ToArray<double>());
        var f = t.To(DType.Float32);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Same(t, t.To(DType.Float64));
        Assert.Equal(new double[] { 1.5, -2.25, 3 }, f.To(DType.Float64).ToDoubleArray());
        Assert.Equal(-2.25, t.Slice(0, 1, 2).Item());
        Assert.Throws<InvalidOperationException>(() => t.Item());
        // To is differentiable: the gradient comes back in the source dtype.
        var x = Tensor.FromArray([2.0, 3.0], [2], requiresGrad: true);
        x.To(DType.Float32).Mul(Tensor.FromArray(new float[] { 4, 5 })).Sum().Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        AssertClose([4, 5], x.Grad);
    }

    [Fact]
    public void ToStringIsReadable()
    {
        var t = Tensor.FromArray([1.0, 2.5, -3, 4], [2, 2]);
        Assert.Equal("tensor([[1, 2.5],\n        [-3, 4]], shape=[2, 2], dtype=float64)", t.ToString());
        Assert.Equal("tensor(3.25, shape=[], dtype=float32)", Tensor.Scalar(3.25).ToString());
        var big = Tensor.Arange(10).ToString();
        Assert.Contains("[0, 1, 2, ..., 7, 8, 9]", big);
        var g = Tensor.Ones([2], requiresGrad: true);
        Assert.Contains("requires_grad=true", g.ToString());
        Assert.Contains("grad_fn=Mul", g.Mul(2.0).ToString());
        Assert.Contains("[[1, 3],", Tensor.FromArray([1.0, 2, 3, 4], [2, 2]).T.ToString());
    }
}
