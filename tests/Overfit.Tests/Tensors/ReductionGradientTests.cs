using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>Float64 gradient checks and values of the reductions, softmax family and extremes.</summary>
public class ReductionGradientTests
{
    [Fact]
    public void SumAndMeanOverEveryDimChoice()
    {
        AssertGradCheck(x => x[0].Sum(), Randn(1, 2, 3, 4));
        AssertGradCheck(x => x[0].Mean(), Randn(2, 2, 3, 4));
        foreach (var dims in new[] { new[] { 0 }, [1], [2], [-1], [0, 2], [1, 2], [0, 1, 2] })
            foreach (var keep in new[] { false, true })
            {
                AssertGradCheck(x => x[0].Sum(dims, keep), Randn(3, 2, 3, 4));
                AssertGradCheck(x => x[0].Mean(dims, keep), Randn(4, 2, 3, 4));
            }
        AssertGradCheck(x => x[0].Sum(0), TransposedLeaf(5, 3, 4));
        AssertGradCheck(x => x[0].Mean(1, keepDim: true), TransposedLeaf(6, 3, 4));
    }

    [Fact]
    public void SumValuesKeepDimShapes()
    {
        var t = Tensor.Arange(24, DType.Float64).Reshape(2, 3, 4);
        Assert.Equal([2, 1, 4], t.Sum(1, keepDim: true).Shape);
        Assert.Equal([2, 4], t.Sum(1).Shape);
        Assert.Equal(Array.Empty<int>(), t.Sum().Shape);
        AssertClose([12, 15, 18, 21, 48, 51, 54, 57], t.Sum(1));
        AssertClose([12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34], t.Sum(0));
        AssertClose([6, 22, 38, 54, 70, 86], t.Sum(-1));
        AssertClose([276], t.Sum());
        AssertClose([60, 92, 124], t.Sum([0, 2]));
    }

    [Fact]
    public void VarAndStdUnbiasedFlag()
    {
        AssertGradCheck(x => x[0].Var(), Randn(1, 3, 4));
        AssertGradCheck(x => x[0].Var(1, unbiased: false), Randn(2, 3, 4));
        AssertGradCheck(x => x[0].Var([0, 2], unbiased: true, keepDim: true), Randn(3, 2, 3, 4));
        AssertGradCheck(x => x[0].Std(), Randn(4, 3, 4));
        AssertGradCheck(x => x[0].Std(0, unbiased: false, keepDim: true), Randn(5, 3, 4));

        // Reference values: tests/fixtures/reference/tensors/tensor_reference.py (PyTorch 1.13).
        var v = Tensor.FromArray([1.0, 4.0, 2.0, 8.0, -1.0, 0.5], [2, 3]);
        AssertClose([10.241666666666669], v.Var());
        AssertClose([8.534722222222223], v.Var(unbiased: false));
        AssertClose([2.3333333333333335, 23.25], v.Var(1));
        AssertClose([12.25, 6.25, 0.5625], v.Var(0, unbiased: false));
        AssertClose([1.5275252316519468, 4.8218253804964775], v.Std(1));
    }

    [Fact]
    public void MaxMinValuesIndicesAndGradients()
    {
        foreach (var dim in new[] { 0, 1, 2, -1 })
        {
            AssertGradCheck(x => x[0].Max(dim).Values, Randn(1, 2, 3, 4));
            AssertGradCheck(x => x[0].Min(dim, keepDim: true).Values, Randn(2, 2, 3, 4));
        }
        AssertGradCheck(x => x[0].Max(), Randn(3, 3, 4));
        AssertGradCheck(x => x[0].Min(), Randn(4, 3, 4));
        AssertGradCheck(x => x[0].Max(0).Values, TransposedLeaf(5, 3, 4));

        var t = Tensor.FromArray([3.0, 9, 1, 9, 2, 0, -4, 5, 7, 7, 6, 8], [3, 4]);
        var (v1, i1) = t.Max(1);
        AssertClose([9, 5, 8], v1);
        Assert.Equal([1, 3, 3], i1);
        var (v0, i0) = t.Max(0, keepDim: true);
        Assert.Equal([1, 4], v0.Shape);
        AssertClose([7, 9, 6, 9], v0);
        Assert.Equal([2, 0, 2, 0], i0);
        var (m0, j0) = t.Min(0);
        AssertClose([2, 0, -4, 5], m0);
        Assert.Equal([1, 1, 1, 1], j0);
        Assert.Equal([1, 3, 3], t.ArgMax(1));
        Assert.Equal([2, 2, 2], t.ArgMin(1));
        var am = t.ArgMax(1, keepDim: true);
        Assert.Equal([3, 1], am.Shape);
        AssertClose([1, 3, 3], am);
        AssertClose([9], t.Max());
        AssertClose([-4], t.Min());
    }

    [Fact]
    public void WholeTensorMaxKeepsFirstZeroSignAndSendsGradientToFirstWinner()
    {
        // A zero maximum takes the sign of the first zero (PyTorch compares −0 and +0 as equal and keeps the first).
        Assert.True(double.IsNegative(Tensor.FromArray([-0.0, 0.0, -1.0]).Max().Item()));
        Assert.False(double.IsNegative(Tensor.FromArray([0.0, -0.0, -1.0]).Max().Item()));
        Assert.False(double.IsNegative(Tensor.FromArray([1.0, 0.0, -0.0]).Min().Item()));
        // Large enough to be split across threads; the maximum 7 appears in both halves, the gradient goes to the first.
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            int n = 1 << 18;
            var data = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
            data[n - 5] = 7;
            data[n / 3] = 7;
            var x = Tensor.FromArray(data).To(dtype);
            x.RequiresGrad = true;
            var m = x.Max();
            Assert.Equal(7, m.Item());
            m.Backward();
            var g = x.Grad!.ToDoubleArray();
            Assert.Equal(1, g[n / 3]);
            Assert.Equal(1, g.Sum());
            Assert.Equal(dtype == DType.Float32 ? (float)data.Min() : data.Min(), Tensor.FromArray(data).To(dtype).Min().Item());
        }
    }

    [Fact]
    public void MaxWithNaNMatchesPyTorch()
    {
        // Reference values: tests/fixtures/reference/tensors/tensor_reference.py (PyTorch 1.13): the first NaN wins.
        var t = Tensor.FromArray([1.0, double.NaN, 3, double.NaN, 2, 5, 5, -1], [2, 4]);
        var (mv, mi) = t.Max(1);
        AssertClose([double.NaN, 5], mv);
        Assert.Equal([1, 1], mi);
        var (nv, ni) = t.Min(1);
        AssertClose([double.NaN, -1], nv);
        Assert.Equal([1, 3], ni);
        Assert.True(double.IsNaN(t.Max().Item()));
        Assert.Equal([1, 1], t.ArgMax(1));
        // The leading-dim sweep follows the same rule.
        var (lv, li) = t.T.Contiguous().Max(0);
        AssertClose([double.NaN, 5], lv);
        Assert.Equal([1, 1], li);
    }

    [Fact]
    public void LogSumExpSoftmaxLogSoftmaxAlongEveryDim()
    {
        foreach (var dim in new[] { 0, 1, 2, -1 })
        {
            AssertGradCheck(x => x[0].LogSumExp(dim), Randn(1, 2, 3, 4));
            AssertGradCheck(x => x[0].LogSumExp(dim, keepDim: true), Randn(2, 2, 3, 4));
            AssertGradCheck(x => x[0].Softmax(dim), Randn(3, 2, 3, 4));
            AssertGradCheck(x => x[0].LogSoftmax(dim), Randn(4, 2, 3, 4));
        }
        AssertGradCheck(x => x[0].Softmax(0), TransposedLeaf(5, 3, 4));
        AssertGradCheck(x => x[0].LogSoftmax(1), TransposedLeaf(6, 3, 4));
    }

    [Fact]
    public void SoftmaxFamilyValues()
    {
        var x = Tensor.FromArray([1.0, 2, 3, 1000, 1000, 1000], [2, 3]);
        var e = new[] { Math.Exp(-2), Math.Exp(-1), 1.0 };
        double z = e.Sum();
        AssertClose([e[0] / z, e[1] / z, e[2] / z, 1.0 / 3, 1.0 / 3, 1.0 / 3], x.Softmax(1), 1e-14);
        AssertClose([3 + Math.Log(z), 1000 + Math.Log(3)], x.LogSumExp(1), 1e-14);
        AssertClose([Math.Log(e[0] / z), Math.Log(e[1] / z), Math.Log(e[2] / z), -Math.Log(3), -Math.Log(3), -Math.Log(3)], x.LogSoftmax(1), 1e-13);
        // Reference values: tests/fixtures/reference/tensors/tensor_reference.py (PyTorch 1.13).
        var inf = Tensor.FromArray([double.NegativeInfinity, double.NegativeInfinity, double.PositiveInfinity, 1, 0, double.NegativeInfinity], [3, 2]);
        AssertClose([double.NegativeInfinity, double.PositiveInfinity, 0.0], inf.LogSumExp(1));
        AssertClose([double.NaN, double.NaN, double.NaN, double.NaN, 1.0, 0.0], inf.Softmax(1));
    }
}
