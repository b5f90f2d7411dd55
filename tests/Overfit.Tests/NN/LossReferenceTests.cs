using Overfit.Data;
using Overfit.NN;
using Overfit.Tensors;
using static Overfit.Tests.NN.TestInputs;

namespace Overfit.Tests.NN;

public class LossReferenceTests
{
    private static readonly int[] Labels = [2, 0, 3];

    private static readonly Tensor Targets = Tensor.FromArray(new double[] { 0, 1, 1, 0, 1, 0, 0, 1, 0.5, 0.2, 1, 0 }, [3, 4]);

    private static void Check(string name, Func<Tensor, Tensor> loss)
    {
        var x = Input(3, 4);
        var l = loss(x);
        l.Backward();
        var (value, grad) = LayerReference.Values[name];
        AssertClose(value, l.ToDoubleArray(), 1e-9, name);
        AssertClose(grad, x.Grad!.ToDoubleArray(), 1e-9, name + " grad");
    }

    [Fact] public void CrossEntropy_Mean() => Check("ce_mean", x => new CrossEntropyLoss().Forward(x, Labels));

    [Fact] public void CrossEntropy_Sum_LabelSmoothing() => Check("ce_sum_smooth", x => new CrossEntropyLoss(Reduction.Sum, 0.2).Forward(x, Labels));

    [Fact] public void Nll_Mean() => Check("nll_mean", x => new NLLLoss().Forward(x.LogSoftmax(1), Labels));

    [Fact] public void Mse_Mean() => Check("mse_mean", x => new MSELoss().Forward(x, Targets));

    [Fact] public void Mse_Sum() => Check("mse_sum", x => new MSELoss(Reduction.Sum).Forward(x, Targets));

    [Fact] public void Mse_None() => Check("mse_none_weighted", x => new MSELoss(Reduction.None).Forward(x, Targets).Mul(Weights([3, 4])).Sum());

    [Fact] public void Bce_Mean() => Check("bce_mean", x => new BCELoss().Forward(x.Sigmoid(), Targets));

    [Fact] public void BceWithLogits_Sum() => Check("bce_logits_sum", x => new BCEWithLogitsLoss(Reduction.Sum).Forward(x, Targets));

    [Fact]
    public void Compute_ReadsLabelsOrTargetsFromTheBatch()
    {
        var x = Input(3, 4);
        var viaBatch = new CrossEntropyLoss().Compute(x, new Batch(x, Labels)).Item();
        Assert.Equal(LayerReference.Values["ce_mean"].Output[0], viaBatch, 9);
        var probs = Tensor.FromArray(new double[] { 0.2, 0.9 }, [2, 1]);
        var bce = new BCELoss().Compute(probs, new Batch(probs, null, Tensor.FromArray(new double[] { 0, 1 }, [2]))).Item();
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.9)) / 2, bce, 9);
        var ex = Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().Compute(x, new Batch(x)));
        Assert.Contains("labels", ex.Message);
    }
}

public class BinaryCrossEntropySaturationTests
{
    [Fact]
    public void SaturatedProbabilities_GiveFiniteLossAndGradient_AsTorch()
    {
        // torch 1.13: F.binary_cross_entropy(p=[1, 0, 0.5], t=[0, 0, 1], 'sum') = 100 + 0 + log 2; grad = (p − t)/max(p(1 − p), ε)
        // with ε = 1e-12 held in single precision (9.999999960041972e-13), so p = 1, t = 0 gives 1000000003995.8029.
        var p = Tensor.FromArray(new[] { 1.0, 0.0, 0.5 }, [3], requiresGrad: true);
        var t = Tensor.FromArray(new[] { 0.0, 0.0, 1.0 }, [3]);
        var loss = new BCELoss(Reduction.Sum).Forward(p, t);
        Assert.Equal(100 + Math.Log(2), loss.Item(), 10);
        loss.Backward();
        Assert.Equal([1 / (double)1e-12f, 0, -2], p.Grad!.ToDoubleArray());
        var ex = Assert.Throws<ArgumentException>(() => new BCELoss().Forward(Tensor.FromArray(new[] { 1.5 }, [1]), Tensor.FromArray(new[] { 1.0 }, [1])));
        Assert.Contains("[0, 1]", ex.Message);
    }

    [Fact]
    public void FusedBce_PassesGradCheck()
    {
        var p = Tensor.FromArray(new[] { 0.2, 0.7, 0.45, 0.9 }, [2, 2], requiresGrad: true);
        var t = Tensor.FromArray(new[] { 0.0, 1.0, 0.3, 1.0 }, [2, 2]);
        var r = global::Overfit.Autograd.GradCheck.Check(x => Functional.BinaryCrossEntropy(x[0], t), [p], 1e-6, 1e-6, 1e-5);
        Assert.True(r.Passed, r.Message);
        var rNone = global::Overfit.Autograd.GradCheck.Check(x => Functional.BinaryCrossEntropy(x[0], t, Reduction.None).Mul(t.Add(1)).Sum(), [p], 1e-6, 1e-6, 1e-5);
        Assert.True(rNone.Passed, rNone.Message);
    }
}
