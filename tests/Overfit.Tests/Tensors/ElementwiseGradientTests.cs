using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>Float64 gradient checks of every elementwise op, with broadcast shapes and non-contiguous inputs.</summary>
public class ElementwiseGradientTests
{
    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [3, 4], [3, 4] },
        { [3, 1], [1, 4] },
        { [2, 3, 4], [4] },
        { [], [2, 3] },
        { [2, 3], [] },
        { [2, 1, 4], [3, 1] },
    };

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void AddSubMulWithBroadcasting(int[] sa, int[] sb)
    {
        AssertGradCheck(x => x[0].Add(x[1]), Randn(1, sa), Randn(2, sb));
        AssertGradCheck(x => x[0].Sub(x[1]), Randn(3, sa), Randn(4, sb));
        AssertGradCheck(x => x[0].Mul(x[1]), Randn(5, sa), Randn(6, sb));
    }

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void DivPowMaximumMinimumWithBroadcasting(int[] sa, int[] sb)
    {
        AssertGradCheck(x => x[0].Div(x[1]), Randn(1, sa), AwayFrom(2, [0], 0.5, sb));
        AssertGradCheck(x => x[0].Pow(x[1]), Uniform(3, 0.5, 2.0, sa), Randn(4, sb));
        AssertGradCheck(x => x[0].Maximum(x[1]), Randn(5, sa), Randn(6, sb));
        AssertGradCheck(x => x[0].Minimum(x[1]), Randn(7, sa), Randn(8, sb));
    }

    [Fact]
    public void BinaryOpsOnNonContiguousInputs()
    {
        var a = TransposedLeaf(1, 3, 4);
        var b = TransposedLeaf(2, 3, 4);
        AssertGradCheck(x => x[0].Mul(x[1]).Add(x[0]), a, b);
        AssertGradCheck(x => x[0].Sub(x[1].Slice(1, 0, 4, 2)), Randn(3, 3, 2), b);
        var sliced = Tensor.Randn([6, 5], new Generator(4), DType.Float64).Slice(0, 1, 6, 2).Slice(1, 0, 5, 2).Detach();
        sliced.RequiresGrad = true;
        AssertGradCheck(x => x[0].Div(x[1].Abs().Add(1.0)), sliced, Randn(5, 3, 3));
    }

    [Fact]
    public void ScalarOverloadsAndOperators()
    {
        AssertGradCheck(x => x[0] * 3.0 + 2.0 - x[0] / 4.0, Randn(1, 2, 3));
        AssertGradCheck(x => 1.0 / x[0] - (2.0 - x[0]), AwayFrom(2, [0], 0.5, 2, 3));
        AssertGradCheck(x => -x[0] * x[1], Randn(3, 2, 3), Randn(4, 3));
    }

    [Fact]
    public void PowWithScalarExponent()
    {
        AssertGradCheck(x => x[0].Pow(3.0), Randn(1, 3, 4));
        AssertGradCheck(x => x[0].Pow(-1.5), Uniform(2, 0.5, 2, 3, 4));
        AssertGradCheck(x => x[0].Pow(0.0), Randn(3, 5));
        AssertGradCheck(x => x[0].Pow(2.0), TransposedLeaf(4, 3, 2));
    }

    [Fact]
    public void PowExponentGradientIsZeroAtZeroBase()
    {
        // d/de 0^e = 0 for e > 0 (PyTorch masks 0·log 0 = NaN the same way).
        var b = Tensor.FromArray([0.0, 2.0], [2]);
        var e = Tensor.FromArray([2.0, 3.0], [2], requiresGrad: true);
        b.Pow(e).Sum().Backward();
        AssertClose([0, 8 * Math.Log(2)], e.Grad!);
    }

    [Fact]
    public void SmoothUnaryOps()
    {
        AssertGradCheck(x => x[0].Neg(), Randn(1, 3, 4));
        AssertGradCheck(x => x[0].Exp(), Randn(2, 3, 4));
        AssertGradCheck(x => x[0].Log(), Uniform(3, 0.2, 3, 3, 4));
        AssertGradCheck(x => x[0].Sqrt(), Uniform(4, 0.2, 3, 3, 4));
        AssertGradCheck(x => x[0].Square(), Randn(5, 3, 4));
        AssertGradCheck(x => x[0].Sin().Add(x[0].Cos()), Randn(6, 3, 4));
        AssertGradCheck(x => x[0].Tanh(), Randn(7, 3, 4));
        AssertGradCheck(x => x[0].Sigmoid(), Randn(8, 3, 4));
        AssertGradCheck(x => x[0].Gelu(), Randn(9, 3, 4));
        AssertGradCheck(x => x[0].Silu(), Randn(10, 3, 4));
        AssertGradCheck(x => x[0].Softplus(), Randn(11, 3, 4).Mul(5.0).Detach().WithGrad());
    }

    [Fact]
    public void PiecewiseUnaryOpsAwayFromTheirKinks()
    {
        AssertGradCheck(x => x[0].Abs(), AwayFrom(1, [0], 0.01, 4, 5));
        AssertGradCheck(x => x[0].Relu(), AwayFrom(2, [0], 0.01, 4, 5));
        AssertGradCheck(x => x[0].LeakyRelu(0.2), AwayFrom(3, [0], 0.01, 4, 5));
        AssertGradCheck(x => x[0].Elu(1.5), AwayFrom(4, [0], 0.01, 4, 5));
        AssertGradCheck(x => x[0].Clamp(-0.5, 0.7), AwayFrom(5, [-0.5, 0.7], 0.01, 4, 5));
        AssertGradCheck(x => x[0].Clamp(min: 0.1), AwayFrom(6, [0.1], 0.01, 4, 5));
        AssertGradCheck(x => x[0].Clamp(max: -0.2), AwayFrom(7, [-0.2], 0.01, 4, 5));
    }

    [Fact]
    public void UnaryOpsOnNonContiguousInputs()
    {
        AssertGradCheck(x => x[0].Exp().Mul(x[0].Tanh()), TransposedLeaf(1, 3, 5));
        AssertGradCheck(x => x[0].Relu().Add(x[0].Gelu()), TransposedLeaf(2, 4, 3));
    }

    [Fact]
    public void GradientAtKinksFollowsPyTorch()
    {
        // relu'(0) = 0, |x|'(0) = 0, clamp passes the gradient at the bounds, leaky'(0) = slope.
        var x = Tensor.FromArray([0.0, -1.0, 1.0], [3], requiresGrad: true);
        x.Relu().Sum().Backward();
        AssertClose([0, 0, 1], x.Grad!);
        x.Grad = null;
        x.Abs().Sum().Backward();
        AssertClose([0, -1, 1], x.Grad!);
        x.Grad = null;
        x.Clamp(-1, 0).Sum().Backward();
        AssertClose([1, 1, 0], x.Grad!);
        x.Grad = null;
        x.LeakyRelu(0.1).Sum().Backward();
        AssertClose([0.1, 0.1, 1], x.Grad!);
    }

    [Fact]
    public void WhereMaskedFillAndMaskedSelect()
    {
        var cond = Tensor.FromArray([1.0, 0, 1, 0, 0, 1], [2, 3]);
        AssertGradCheck(x => Tensor.Where(cond, x[0], x[1]), Randn(1, 2, 3), Randn(2, 3));
        AssertGradCheck(x => Tensor.Where(cond.Slice(0, 0, 1), x[0], x[1]), Randn(3, 2, 3), Randn(4, 2, 1));
        AssertGradCheck(x => x[0].MaskedFill(cond, -7), Randn(5, 2, 3));
        AssertGradCheck(x => x[0].MaskedSelect(cond), Randn(6, 2, 3));
        AssertGradCheck(x => x[0].MaskedSelect(cond.Slice(0, 1, 2)), Randn(7, 2, 3));

        var v = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], [2, 3]);
        AssertClose([1, 20, 3, 40, 50, 6], Tensor.Where(cond, v, v.Mul(10.0)));
        AssertClose([-1, 2, -1, 4, 5, -1], v.MaskedFill(cond, -1));
        AssertClose([1, 3, 6], v.MaskedSelect(cond));
        // A Float32 condition selects in a Float64 tensor.
        AssertClose([1, 20, 3, 40, 50, 6], Tensor.Where(cond.To(DType.Float32), v, v.Mul(10.0)));
    }

    [Fact]
    public void ComparisonsGiveZeroOneTensors()
    {
        var a = Tensor.FromArray([1.0, 2, 3], [3]);
        var b = Tensor.FromArray([2.0, 2, 2], [3]);
        AssertClose([0, 0, 1], a.Gt(b));
        AssertClose([1, 0, 0], a.Lt(b));
        AssertClose([0, 1, 1], a.Ge(b));
        AssertClose([1, 1, 0], a.Le(b));
        AssertClose([0, 1, 0], a.Eq(b));
        AssertClose([1, 0, 1], a.Ne(b));
        AssertClose([0, 0, 0, 1, 1, 1], a.Reshape(3, 1).Gt(Tensor.FromArray([2.5, 1.5], [2])));
        AssertClose([1, 0, -1, 0], Tensor.FromArray([3.0, 0, -2, -0.0], [4]).Sign());
    }
}

internal static class TensorGradExtensions
{
    public static Tensor WithGrad(this Tensor t)
    {
        t.RequiresGrad = true;
        return t;
    }
}
