using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>Losses: gradient checks plus values from PyTorch (tests/fixtures/reference/tensors/tensor_reference.py, PyTorch 1.13).</summary>
public class LossTests
{
    private static readonly int[] Targets = [1, 2, 0];

    private static Tensor Logits(bool grad = true) => Tensor.FromArray(
        [1.0, 2.0, 0.5, -1.0, 0.0, 0.0, 3.0, 1.0, -2.0, 1.5, 1.0, 0.25], [3, 4], requiresGrad: grad);

    [Theory]
    [InlineData(Reduction.Mean, 0.0)]
    [InlineData(Reduction.Sum, 0.0)]
    [InlineData(Reduction.None, 0.0)]
    [InlineData(Reduction.Mean, 0.1)]
    [InlineData(Reduction.Sum, 0.2)]
    [InlineData(Reduction.None, 0.3)]
    public void CrossEntropyGradient(Reduction reduction, double smoothing)
    {
        AssertGradCheck(x => Functional.CrossEntropy(x[0], [4, 0, 2, 2, 1], reduction, smoothing), Randn(1, 5, 5));
        AssertGradCheck(x => Functional.CrossEntropy(x[0], [1, 0, 2], reduction, smoothing), TransposedLeaf(2, 3, 4));
    }

    [Fact]
    public void CrossEntropyMatchesPyTorch()
    {
        AssertClose([1.620062354080541], Functional.CrossEntropy(Logits(), Targets));
        AssertClose([4.860187062241623], Functional.CrossEntropy(Logits(), Targets, Reduction.Sum));
        AssertClose([0.49518189808585605, 0.21099762323817567, 4.154007540917592], Functional.CrossEntropy(Logits(), Targets, Reduction.None));
        AssertClose([1.6596456874138745], Functional.CrossEntropy(Logits(), Targets, Reduction.Mean, 0.1));
        AssertClose([4.978937062241624], Functional.CrossEntropy(Logits(), Targets, Reduction.Sum, 0.1));
        AssertClose([0.6326818980858561, 0.4109976232381757, 3.9352575409175916], Functional.CrossEntropy(Logits(), Targets, Reduction.None, 0.1));
        var x = Logits();
        Functional.CrossEntropy(x, Targets, Reduction.Mean, 0.1).Backward();
        AssertClose([0.06640260601606707, -0.10517998746704092, 0.03699630526450186, 0.001781076186472078, 0.005105457550880961, 0.005105457550880961,
            -0.038408002825449324, 0.028197087723687446, -0.3030995445456317, 0.16498594782774303, 0.0967901246102137, 0.04132347210767502], x.Grad!);
        // Float32 agrees to single precision, and equals log_softmax + nll.
        AssertClose([1.620062354080541], Functional.CrossEntropy(Logits(false).To(DType.Float32), Targets), 1e-6);
        AssertClose([1.620062354080541], Functional.NllLoss(Logits().LogSoftmax(1), Targets));
    }

    [Fact]
    public void NllAndMse()
    {
        AssertGradCheck(x => Functional.NllLoss(x[0].LogSoftmax(1), [2, 0, 1]), Randn(1, 3, 4));
        AssertGradCheck(x => Functional.MseLoss(x[0], x[1]), Randn(2, 3, 4), Randn(3, 3, 4));
        AssertGradCheck(x => Functional.MseLoss(x[0], x[1], Reduction.Sum), Randn(4, 3, 4), Randn(5, 3, 4));
        AssertGradCheck(x => Functional.MseLoss(x[0], x[1], Reduction.None), TransposedLeaf(6, 3, 4), Randn(7, 3, 4));
        var a = Tensor.FromArray([1.0, 2, 3], [3]);
        var b = Tensor.FromArray([1.0, 0, 6], [3]);
        AssertClose([13.0 / 3], Functional.MseLoss(a, b));
        AssertClose([13.0], Functional.MseLoss(a, b, Reduction.Sum));
        AssertClose([0, 4, 9], Functional.MseLoss(a, b, Reduction.None));
    }

    [Fact]
    public void BinaryCrossEntropyGradientsAndPyTorchClamping()
    {
        // The gradient flows to the probabilities only (targets are data), so the check perturbs the input alone.
        var t34 = Uniform(2, 0, 1, 3, 4).Detach();
        var t5 = Uniform(4, 0, 1, 5).Detach();
        AssertGradCheck(x => Functional.BinaryCrossEntropy(x[0], t34), Uniform(1, 0.05, 0.95, 3, 4));
        AssertGradCheck(x => Functional.BinaryCrossEntropy(x[0], t5, Reduction.None), Uniform(3, 0.05, 0.95, 5));
        AssertGradCheck(x => Functional.BinaryCrossEntropyWithLogits(x[0], x[1]), Randn(5, 3, 4).Mul(4.0).Detach().WithGrad(), Uniform(6, 0, 1, 3, 4));
        AssertGradCheck(x => Functional.BinaryCrossEntropyWithLogits(x[0], x[1], Reduction.Sum), Randn(7, 6), Uniform(8, 0, 1, 6));

        // Log terms clamp at −100 and the gradient stays finite at p = 0 and p = 1 (PyTorch's ε = 1e-12 in single precision).
        var p = Tensor.FromArray([0.0, 1e-50, 0.3, 0.9, 1.0], [5], requiresGrad: true);
        var t = Tensor.FromArray([1.0, 1.0, 0.0, 1.0, 0.0], [5]);
        var loss = Functional.BinaryCrossEntropy(p, t, Reduction.None);
        AssertClose([100.0, 100.0, 0.35667494393873245, 0.10536051565782628, 100.0], loss);
        loss.Sum().Backward();
        AssertClose([-1000000003995.8029, -1000000003995.8029, 1.4285714285714286, -1.1111111111111112, 1000000003995.8029], p.Grad!, 1e-9);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsIsStableForLargeLogits()
    {
        var x = Tensor.FromArray([-800.0, 800.0, 0.0], [3]);
        var t = Tensor.FromArray([1.0, 0.0, 1.0], [3]);
        AssertClose([800, 800, Math.Log(2)], Functional.BinaryCrossEntropyWithLogits(x, t, Reduction.None), 1e-12);
    }
}
