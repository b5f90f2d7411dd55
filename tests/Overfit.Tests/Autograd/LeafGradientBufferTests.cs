using Overfit.Optim;
using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Autograd;

/// <summary>
/// A leaf owns its gradient buffer: later backward passes sum into it in place, and two leaves never share
/// one buffer even when an op hands the same gradient tensor to both of its inputs.
/// </summary>
public class LeafGradientBufferTests
{
    [Fact]
    public void LeavesFedTheSameGradientKeepSeparateBuffers()
    {
        // Add's backward passes one gradient to both inputs; accumulating into a must leave b untouched.
        var a = Tensor.FromArray([1.0, 2.0], [2], requiresGrad: true);
        var b = Tensor.FromArray([3.0, 4.0], [2], requiresGrad: true);
        a.Add(b).Mul(Tensor.FromArray([1.0, 10.0], [2])).Sum().Backward();
        AssertClose([1, 10], a.Grad!);
        AssertClose([1, 10], b.Grad!);
        Assert.False(ReferenceEquals(a.Grad, b.Grad));

        a.Mul(2.0).Sum().Backward();
        AssertClose([3, 12], a.Grad!);
        AssertClose([1, 10], b.Grad!);
    }

    [Fact]
    public void LaterBackwardSumsIntoTheSameBuffer()
    {
        var w = Tensor.FromArray([0.5f, -1f, 2f], [3], requiresGrad: true);
        w.Mul(w).Sum().Backward();
        var buffer = w.Grad!;
        w.Sum().Backward();
        Assert.Same(buffer, w.Grad);
        AssertClose([2, -1, 5], w.Grad!, 1e-6);
    }

    [Fact]
    public void ZeroingInPlaceKeepsTheBufferAndTheNextBackwardStartsFromZero()
    {
        var w = Tensor.FromArray([1.0, -2.0], [2], requiresGrad: true);
        var opt = new SGD([w], lr: 0.1);
        w.Mul(3.0).Sum().Backward();
        var buffer = w.Grad!;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(buffer, w.Grad);
        AssertClose([0, 0], w.Grad!);
        w.Mul(w).Sum().Backward();
        Assert.Same(buffer, w.Grad);
        AssertClose([2, -4], w.Grad!);
    }

    [Fact]
    public void GradientOfABroadcastLeafIsReducedToItsShape()
    {
        // The bias-like leaf [2] receives a gradient summed over the broadcast rows, then accumulates in place.
        var bias = Tensor.FromArray([0.0, 0.0], [2], requiresGrad: true);
        var x = Tensor.FromArray([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [3, 2]);
        x.Add(bias).Sum().Backward();
        AssertClose([3, 3], bias.Grad!);
        x.Add(bias).Sum().Backward();
        AssertClose([6, 6], bias.Grad!);
    }
}
