using Overfit.Autograd;
using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Tests.Autograd;

/// <summary>The tape's contract: order, accumulation, no-grad scopes, the functional form, retain-graph, errors.</summary>
public class AutogradSemanticsTests
{
    [Fact]
    public void LongChainDoesNotOverflowTheStack()
    {
        // 100,000 recorded ops: a recursive topological sort or backward would overflow the stack.
        var x = Tensor.Scalar(1.0, DType.Float64, requiresGrad: true);
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y.Mul(1.0);
        y.Add(x).Backward();
        Assert.Equal(2.0, x.Grad!.Item());
    }

    [Fact]
    public void GradientsAccumulateIntoLeavesAcrossBackwardCalls()
    {
        var x = Tensor.FromArray([1.0, 2.0], [2], requiresGrad: true);
        x.Mul(x).Sum().Backward();
        AssertClose([2, 4], x.Grad!);
        x.Mul(3.0).Sum().Backward();
        AssertClose([5, 7], x.Grad!);
        x.Grad = null;
        x.Sum().Backward();
        AssertClose([1, 1], x.Grad!);
    }

    [Fact]
    public void DiamondGraphSumsBothPaths()
    {
        // y = a·a + exp(a) uses a along two paths; z uses b twice through one shared intermediate.
        var a = Tensor.FromArray([0.5, -1.0], [2], requiresGrad: true);
        a.Mul(a).Add(a.Exp()).Sum().Backward();
        AssertClose([1 + Math.Exp(0.5), -2 + Math.Exp(-1)], a.Grad!, 1e-14);

        var b = Tensor.Scalar(3.0, DType.Float64, requiresGrad: true);
        var s = b.Mul(2.0);
        s.Mul(s).Add(s).Backward();   // d/db (4b² + 2b) = 8b + 2
        Assert.Equal(26.0, b.Grad!.Item(), 12);
    }

    [Fact]
    public void NoGradRecordsNothingAndNests()
    {
        var x = Tensor.Ones([2], DType.Float64, requiresGrad: true);
        Assert.True(AG.IsGradEnabled);
        using (AG.NoGrad())
        {
            Assert.False(AG.IsGradEnabled);
            using (AG.NoGrad()) Assert.False(x.Mul(2.0).RequiresGrad);
            Assert.False(AG.IsGradEnabled);
            var y = x.Exp();
            Assert.False(y.RequiresGrad);
            Assert.True(y.IsLeaf);
        }
        Assert.True(AG.IsGradEnabled);
        var z = x.Exp();
        Assert.True(z.RequiresGrad);
        Assert.False(z.IsLeaf);
        Assert.Equal("Exp", z.GradFnName);
    }

    [Fact]
    public void FunctionalGradientLeavesGradAlone()
    {
        var x = Tensor.FromArray([1.0, 2.0], [2], requiresGrad: true);
        var w = Tensor.FromArray([3.0], [1], requiresGrad: true);
        var unused = Tensor.Ones([3], DType.Float64, requiresGrad: true);
        var y = x.Mul(w).Sum();
        var g = AG.Gradient(y, [x, w, unused]);
        AssertClose([3, 3], g[0]);
        AssertClose([3], g[1]);
        AssertClose([0, 0, 0], g[2]);
        Assert.Null(x.Grad);
        Assert.Null(w.Grad);
        // Gradient with respect to an intermediate, and with an explicit output gradient.
        var h = x.Mul(2.0);
        var gh = AG.Gradient(h.Exp(), [h], Tensor.FromArray([1.0, 0.5], [2]));
        AssertClose([Math.Exp(2), 0.5 * Math.Exp(4)], gh[0], 1e-14);
    }

    [Fact]
    public void SecondBackwardNeedsRetainGraph()
    {
        var x = Tensor.FromArray([1.0, 2.0], [2], requiresGrad: true);
        var y = x.Exp().Sum();
        y.Backward();
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("second time", error.Message);
        Assert.Contains("retainGraph", error.Message);

        var z = x.Mul(x).Sum();
        x.Grad = null;
        z.Backward(retainGraph: true);
        z.Backward();
        AssertClose([4, 8], x.Grad!);
    }

    [Fact]
    public void BackwardOnNonScalarNeedsAGradient()
    {
        var x = Tensor.Ones([2, 3], DType.Float64, requiresGrad: true);
        var y = x.Mul(2.0);
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("non-scalar", error.Message);
        Assert.Contains("[2, 3]", error.Message);
        var bad = Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones([3], DType.Float64)));
        Assert.Contains("[3]", bad.Message);
        y.Backward(Tensor.Full([2, 3], 0.5, DType.Float64));
        AssertClose([1, 1, 1, 1, 1, 1], x.Grad!);
    }

    [Fact]
    public void BackwardWithoutAnyGradInputFailsClearly()
    {
        var y = Tensor.Ones([2]).Sum();
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("does not require grad", error.Message);
    }

    [Fact]
    public void DetachCutsTheGraphAndLeavesAreMarked()
    {
        var x = Tensor.FromArray([2.0], [1], requiresGrad: true);
        Assert.True(x.IsLeaf);
        var y = x.Mul(x.Detach());
        y.Sum().Backward();
        AssertClose([2], x.Grad!);
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [Fact]
    public void GradCheckReportsAWrongGradient()
    {
        // A deliberately wrong rule: Pow(2) analytic against a function that is not x² breaks the check.
        var x = Randn(1, 3);
        var result = GradCheck.Check(t => t[0].Pow(2.0), [x]);
        Assert.True(result.Passed);
        var wrong = GradCheck.Check(t => AG.IsGradEnabled ? t[0].Pow(2.0) : t[0].Pow(3.0), [x]);
        Assert.False(wrong.Passed);
        Assert.Contains("finite difference", wrong.Message);
        Assert.Throws<ArgumentException>(() => GradCheck.Check(t => t[0], [Tensor.Ones([2], DType.Float32, requiresGrad: true)]));
    }
}
