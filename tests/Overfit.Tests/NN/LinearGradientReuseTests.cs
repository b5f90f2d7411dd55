using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.NN;

/// <summary>
/// Input gradients handed between the rules of chained Linear ops are reused across Backward calls. These tests run
/// several steps in a row (so reused buffers are really overwritten) and compare every leaf gradient with
/// Autograd.Gradient, which never reuses buffers, including graphs where a gradient object is shared or summed.
/// </summary>
public sealed class LinearGradientReuseTests
{
    private static void AssertBackwardMatchesGradient(Func<Tensor, Tensor> loss, Tensor[] leaves, int inputWidth, DType dtype)
    {
        var gen = new Generator(11);
        for (int step = 0; step < 4; step++)
        {
            var x = Tensor.Randn([24, inputWidth], gen, dtype);
            var expected = Overfit.Autograd.Autograd.Gradient(loss(x), leaves);
            foreach (var p in leaves) p.Grad = null;
            loss(x).Backward();
            for (int i = 0; i < leaves.Length; i++)
                Assert.Equal(expected[i].ToDoubleArray(), leaves[i].Grad!.ToDoubleArray());
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LinearChain_RepeatedBackward_MatchesGradient(DType dtype)
    {
        var gen = new Generator(12);
        var w1 = Tensor.Randn([40, 30], gen, dtype, requiresGrad: true);
        var b1 = Tensor.Randn([40], gen, dtype, requiresGrad: true);
        var w2 = Tensor.Randn([40, 40], gen, dtype, requiresGrad: true);
        var w3 = Tensor.Randn([20, 40], gen, dtype, requiresGrad: true);
        var w4 = Tensor.Randn([5, 20], gen, dtype, requiresGrad: true);
        var c = Tensor.Randn([24, 5], gen, dtype);
        Tensor Loss(Tensor x) =>
            (NNFunctional.Linear(NNFunctional.LinearRelu(NNFunctional.Linear(NNFunctional.LinearRelu(x, w1, b1), w2), w3), w4) * c).Sum();
        AssertBackwardMatchesGradient(Loss, [w1, b1, w2, w3, w4], 30, dtype);
    }

    [Fact]
    public void SharedGradientObject_ThroughAddToALeaf_IsNotReusedEarly()
    {
        // Add hands the same gradient object to both of its inputs: the Linear's input gradient reaches h's rule
        // and the leaf c. c is first in Add's inputs, so the engine accumulates it last, after the rules below h
        // have taken buffers of the same width; its gradient must still be intact then.
        var gen = new Generator(13);
        var w0 = Tensor.Randn([16, 12], gen, requiresGrad: true);
        var w1 = Tensor.Randn([16, 16], gen, requiresGrad: true);
        var w2 = Tensor.Randn([16, 16], gen, requiresGrad: true);
        var w3 = Tensor.Randn([16, 16], gen, requiresGrad: true);
        var w4 = Tensor.Randn([3, 16], gen, requiresGrad: true);
        var c = Tensor.Randn([24, 16], gen, requiresGrad: true);
        var k = Tensor.Randn([24, 3], gen);
        Tensor Loss(Tensor x)
        {
            var h = NNFunctional.LinearRelu(NNFunctional.LinearRelu(NNFunctional.LinearRelu(x, w0), w1), w2);
            var s = NNFunctional.Linear(c + h, w3);
            return (NNFunctional.Linear(s, w4) * k).Sum();
        }
        AssertBackwardMatchesGradient(Loss, [w0, w1, w2, w3, w4, c], 12, DType.Float32);
    }

    [Fact]
    public void ActivationWithTwoConsumers_AndResidual_MatchGradient()
    {
        var gen = new Generator(14);
        var w1 = Tensor.Randn([16, 12], gen, requiresGrad: true);
        var w2 = Tensor.Randn([16, 16], gen, requiresGrad: true);
        var w3 = Tensor.Randn([16, 16], gen, requiresGrad: true);
        var k = Tensor.Randn([24, 16], gen);
        Tensor Loss(Tensor x)
        {
            var h = NNFunctional.LinearRelu(x, w1);
            var r = NNFunctional.LinearRelu(h, w2) + h;
            return ((NNFunctional.Linear(r, w3) + NNFunctional.Linear(h, w3)) * k).Sum();
        }
        AssertBackwardMatchesGradient(Loss, [w1, w2, w3], 12, DType.Float32);
    }

    [Fact]
    public void GradientHandedToTheCaller_IsNeverReused()
    {
        var gen = new Generator(15);
        var w1 = Tensor.Randn([16, 12], gen, requiresGrad: true);
        var w2 = Tensor.Randn([4, 16], gen, requiresGrad: true);
        var x = Tensor.Randn([24, 12], gen);
        var h = NNFunctional.LinearRelu(x, w1);
        var dh = Overfit.Autograd.Autograd.Gradient(NNFunctional.Linear(h, w2).Sum(), [h])[0];
        var kept = dh.ToDoubleArray();
        // Further training steps through the same layers must leave the caller's gradient alone.
        for (int step = 0; step < 3; step++) NNFunctional.Linear(NNFunctional.LinearRelu(Tensor.Randn([24, 12], gen), w1), w2).Sum().Backward();
        Assert.Equal(kept, dh.ToDoubleArray());
    }
}

/// <summary>
/// A Sequential's hidden Linear+ReLU outputs are recycled after a releasing Backward: repeated steps, a retained
/// graph that is walked again after other steps, and Gradient calls must all see intact activations.
/// </summary>
public sealed class SequentialActivationReuseTests
{
    private static Sequential Net() => new(
        new Linear(12, 16, generator: new Generator(21)), new ReLU(),
        new Linear(16, 16, generator: new Generator(22)), new ReLU(),
        new Linear(16, 3, generator: new Generator(23)));

    private static Tensor Loss(Sequential net, Tensor x, Tensor k) => (net.Forward(x) * k).Sum();

    [Fact]
    public void RepeatedSteps_MatchGradient()
    {
        var net = Net();
        var leaves = net.Parameters().ToArray();
        var gen = new Generator(24);
        for (int step = 0; step < 4; step++)
        {
            var x = Tensor.Randn([24, 12], gen);
            var k = Tensor.Randn([24, 3], gen);
            var expected = Overfit.Autograd.Autograd.Gradient(Loss(net, x, k), leaves);
            net.ZeroGrad();
            Loss(net, x, k).Backward();
            for (int i = 0; i < leaves.Length; i++) Assert.Equal(expected[i].ToDoubleArray(), leaves[i].Grad!.ToDoubleArray());
        }
    }

    [Fact]
    public void RetainedGraph_WalkedAgainAfterOtherSteps_StillSeesItsActivations()
    {
        var net = Net();
        var leaves = net.Parameters().ToArray();
        var gen = new Generator(25);
        var x = Tensor.Randn([24, 12], gen);
        var k = Tensor.Randn([24, 3], gen);
        var expected = Overfit.Autograd.Autograd.Gradient(Loss(net, x, k), leaves);
        var kept = Loss(net, x, k);
        kept.Backward(retainGraph: true);
        // Other steps rent buffers of the same sizes in between.
        for (int step = 0; step < 2; step++) Loss(net, Tensor.Randn([24, 12], gen), Tensor.Randn([24, 3], gen)).Backward();
        net.ZeroGrad();
        kept.Backward();
        for (int i = 0; i < leaves.Length; i++) Assert.Equal(expected[i].ToDoubleArray(), leaves[i].Grad!.ToDoubleArray());
    }

    [Fact]
    public void TwoLiveGraphs_BackwardInEitherOrder_MatchGradient()
    {
        var net = Net();
        var leaves = net.Parameters().ToArray();
        var gen = new Generator(26);
        var (x1, k1) = (Tensor.Randn([24, 12], gen), Tensor.Randn([24, 3], gen));
        var (x2, k2) = (Tensor.Randn([24, 12], gen), Tensor.Randn([24, 3], gen));
        var e2 = Overfit.Autograd.Autograd.Gradient(Loss(net, x2, k2), leaves);
        var l1 = Loss(net, x1, k1);
        var l2 = Loss(net, x2, k2);
        l1.Backward();
        // l1's buffers are back in the pool; a third pass takes them while l2's graph is still live.
        Loss(net, Tensor.Randn([24, 12], gen), k1);
        net.ZeroGrad();
        l2.Backward();
        for (int i = 0; i < leaves.Length; i++) Assert.Equal(e2[i].ToDoubleArray(), leaves[i].Grad!.ToDoubleArray());
    }
}
