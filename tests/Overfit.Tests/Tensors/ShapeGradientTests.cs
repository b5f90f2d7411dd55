using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>Float64 gradient checks of matmul, views, joining and indexing ops.</summary>
public class ShapeGradientTests
{
    [Fact]
    public void MatMulTwoDimensionalAndVectorForms()
    {
        AssertGradCheck(x => x[0].MatMul(x[1]), Randn(1, 3, 4), Randn(2, 4, 5));
        AssertGradCheck(x => x[0].MatMul(x[1]), Randn(3, 4), Randn(4, 4, 5));
        AssertGradCheck(x => x[0].MatMul(x[1]), Randn(5, 3, 4), Randn(6, 4));
        AssertGradCheck(x => x[0].MatMul(x[1]), Randn(7, 4), Randn(8, 4));
        AssertGradCheck(x => x[0].MatMul(x[1]), TransposedLeaf(9, 3, 4), TransposedLeaf(10, 4, 2));
    }

    [Fact]
    public void MatMulBatchedWithBroadcastBatchDims()
    {
        AssertGradCheck(x => x[0].MatMul(x[1]), Randn(1, 2, 3, 4), Randn(2, 2, 4, 5));
        AssertGradCheck(x => x[0].MatMul(x[1]), Randn(3, 2, 3, 4), Randn(4, 4, 5));
        AssertGradCheck(x => x[0].MatMul(x[1]), Randn(5, 2, 1, 3, 4), Randn(6, 3, 4, 2));
        AssertGradCheck(x => x[0].MatMul(x[1]), Randn(7, 4), Randn(8, 2, 4, 3));
        AssertGradCheck(x => x[0].MatMul(x[1].Transpose(-2, -1)), Randn(9, 2, 3, 4), Randn(10, 2, 5, 4));
    }

    [Fact]
    public void MatMulValuesAndShapes()
    {
        var a = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], [2, 3]);
        var b = Tensor.FromArray([7.0, 8, 9, 10, 11, 12], [3, 2]);
        AssertClose([58, 64, 139, 154], a.MatMul(b));
        Assert.Equal([2, 2], a.MatMul(b).Shape);
        Assert.Equal([2], a.MatMul(Tensor.Ones([3], DType.Float64)).Shape);
        Assert.Equal(Array.Empty<int>(), Tensor.Ones([3], DType.Float64).MatMul(Tensor.Ones([3], DType.Float64)).Shape);
        Assert.Equal([4, 5, 2, 7], Tensor.Ones([4, 1, 2, 3]).MatMul(Tensor.Ones([5, 3, 7])).Shape);
        AssertClose([0, 0, 0, 0], Tensor.Zeros([2, 0], DType.Float64).MatMul(Tensor.Zeros([0, 2], DType.Float64)));
    }

    [Fact]
    public void ViewsTransposePermuteReshape()
    {
        AssertGradCheck(x => x[0].Transpose(0, 2).Mul(x[1]), Randn(1, 2, 3, 4), Randn(2, 4, 3, 2));
        AssertGradCheck(x => x[0].Permute(2, 0, 1).Exp(), Randn(3, 2, 3, 4));
        AssertGradCheck(x => x[0].T.Reshape(-1, 2).Tanh(), Randn(4, 3, 4));
        AssertGradCheck(x => x[0].Reshape(6, 4).Sum(0), Randn(5, 2, 3, 4));
        AssertGradCheck(x => x[0].Flatten(1).Unsqueeze(0).Squeeze(0).Sin(), Randn(6, 2, 3, 4));
        AssertGradCheck(x => x[0].BroadcastTo(2, 3, 4).Mul(x[1]), Randn(7, 3, 1), Randn(8, 2, 3, 4));
        AssertGradCheck(x => x[0].Contiguous().Clone().Square(), TransposedLeaf(9, 3, 4));
    }

    [Fact]
    public void SlicingNarrowSelect()
    {
        AssertGradCheck(x => x[0].Slice(1, 1, 4), Randn(1, 3, 5));
        AssertGradCheck(x => x[0].Slice(0, 0, 5, 2).Slice(1, -3, -1), Randn(2, 5, 4));
        AssertGradCheck(x => x[0].Narrow(2, 1, 2).Exp(), Randn(3, 2, 3, 4));
        AssertGradCheck(x => x[0].Select(1, -1).Mul(x[0].Select(1, 0)), Randn(4, 3, 4));

        var t = Tensor.Arange(20, DType.Float64).Reshape(4, 5);
        AssertClose([1, 3, 11, 13], t.Slice(0, 0, 4, 2).Slice(1, 1, 5, 2).Slice(0, 0, 2));
        AssertClose([5, 6, 7, 8, 9], t.Select(0, 1));
        AssertClose([3, 8, 13, 18], t.Select(1, -2));
        Assert.Equal([4, 0], t.Slice(1, 3, 2).Shape);
    }

    [Fact]
    public void ConcatAndStack()
    {
        AssertGradCheck(x => Tensor.Concat([x[0], x[1], x[0]], 1), Randn(1, 2, 3), Randn(2, 2, 1));
        AssertGradCheck(x => Tensor.Concat([x[0], x[1]], 0).Exp(), TransposedLeaf(3, 2, 3), Randn(4, 1, 3));
        AssertGradCheck(x => Tensor.Stack([x[0], x[1]], 0), Randn(5, 2, 3), Randn(6, 2, 3));
        AssertGradCheck(x => Tensor.Stack([x[0], x[1], x[0]], -1), Randn(7, 2, 3), Randn(8, 2, 3));

        var a = Tensor.FromArray([1.0, 2, 3, 4], [2, 2]);
        var b = Tensor.FromArray([5.0, 6], [2, 1]);
        AssertClose([1, 2, 5, 3, 4, 6], Tensor.Concat([a, b], 1));
        var s = Tensor.Stack([a, a.Mul(10.0)], 1);
        Assert.Equal([2, 2, 2], s.Shape);
        AssertClose([1, 2, 10, 20, 3, 4, 30, 40], s);
    }

    [Fact]
    public void IndexSelectAndGather()
    {
        AssertGradCheck(x => x[0].IndexSelect(0, [2, 0, 2, 1]), Randn(1, 3, 4));
        AssertGradCheck(x => x[0].IndexSelect(1, [3, 3, 0]), Randn(2, 2, 4, 2));
        AssertGradCheck(x => x[0].IndexSelect(0, [1, 1]), TransposedLeaf(3, 3, 2));
        AssertGradCheck(x => x[0].Gather(1, [0, 2, 2, 1, 1, 0], [3, 2]), Randn(4, 3, 3));
        AssertGradCheck(x => x[0].Gather(0, [2, 0, 1, 1], [1, 4]), Randn(5, 3, 4));

        var t = Tensor.Arange(12, DType.Float64).Reshape(3, 4);
        AssertClose([8, 9, 10, 11, 0, 1, 2, 3], t.IndexSelect(0, [2, 0]));
        AssertClose([3, 1, 7, 5, 11, 9], t.IndexSelect(1, [3, 1]));
        AssertClose([0, 2, 6, 5, 11, 11], t.Gather(1, [0, 2, 2, 1, 3, 3], [3, 2]));
        // A repeated index accumulates its gradient.
        var x = Tensor.Arange(3, DType.Float64).WithGrad();
        x.IndexSelect(0, [1, 1, 2]).Sum().Backward();
        AssertClose([0, 2, 1], x.Grad!);
    }

    [Fact]
    public void SquaredDistanceAndOneHot()
    {
        AssertGradCheck(x => Tensor.SquaredDistance(x[0], x[1]), Randn(1, 4, 3), Randn(2, 5, 3).Add(3.0).Detach().WithGrad());
        var a = Tensor.FromArray([0.0, 0, 1, 1], [2, 2]);
        var b = Tensor.FromArray([3.0, 4, 1, 1, 0, 0], [3, 2]);
        AssertClose([25, 2, 0, 13, 0, 2], Tensor.SquaredDistance(a, b), 1e-12);
        // Identical points give exactly 0, never a tiny negative.
        Assert.True(Tensor.SquaredDistance(b.Mul(1e3), b.Mul(1e3)).ToDoubleArray().All(v => v >= 0));

        var oh = Tensor.OneHot([2, 0, 1], 3, DType.Float64);
        Assert.Equal([3, 3], oh.Shape);
        AssertClose([0, 0, 1, 1, 0, 0, 0, 1, 0], oh);
        Assert.Equal(DType.Float32, Tensor.OneHot([0], 2).DType);
    }
}
