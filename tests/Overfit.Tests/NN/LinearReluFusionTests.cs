using Overfit.Autograd;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.NN;

/// <summary>
/// The fused LinearRelu op and Sequential's use of it: gradient check, equality with the unfused pair in values
/// and every gradient (also for a 3-D input and without bias), and the cases where Sequential must not fuse.
/// </summary>
public sealed class LinearReluFusionTests
{
    [Fact]
    public void LinearRelu_PassesGradCheck()
    {
        var x = Tensor.Randn([5, 4], new Generator(1), DType.Float64, requiresGrad: true);
        var w = Tensor.Randn([3, 4], new Generator(2), DType.Float64, requiresGrad: true);
        var b = Tensor.Randn([3], new Generator(3), DType.Float64, requiresGrad: true);
        var r = GradCheck.Check(t => NNFunctional.LinearRelu(t[0], t[1], t[2]), [x, w, b], 1e-6, 1e-6, 1e-5);
        Assert.True(r.Passed, r.Message);
        var r3 = GradCheck.Check(t => NNFunctional.LinearRelu(t[0], t[1]), [Tensor.Randn([2, 3, 4], new Generator(4), DType.Float64, requiresGrad: true), w], 1e-6, 1e-6, 1e-5);
        Assert.True(r3.Passed, r3.Message);
    }

    [Theory]
    [InlineData(DType.Float32, true)]
    [InlineData(DType.Float64, true)]
    [InlineData(DType.Float32, false)]
    public void LinearRelu_EqualsReluOfLinear_ValuesAndGradients(DType dtype, bool withBias)
    {
        // 64×96 → 80: large enough for the concurrent dx/dW path.
        var gen = new Generator(5);
        var x = Tensor.Randn([64, 96], gen, dtype, requiresGrad: true);
        var w = Tensor.Randn([80, 96], gen, dtype, requiresGrad: true);
        var b = withBias ? Tensor.Randn([80], gen, dtype, requiresGrad: true) : null;
        var c = Tensor.Randn([64, 80], gen, dtype);
        Tensor[] leaves = b is null ? [x, w] : [x, w, b];
        var fused = NNFunctional.LinearRelu(x, w, b);
        var plain = NNFunctional.Relu(NNFunctional.Linear(x, w, b));
        Assert.Equal("LinearRelu", fused.GradFnName);
        Assert.Equal(plain.ToDoubleArray(), fused.ToDoubleArray());
        var gFused = Overfit.Autograd.Autograd.Gradient((fused * c).Sum(), leaves);
        var gPlain = Overfit.Autograd.Autograd.Gradient((plain * c).Sum(), leaves);
        for (int i = 0; i < leaves.Length; i++) Assert.Equal(gPlain[i].ToDoubleArray(), gFused[i].ToDoubleArray());
        // Through Backward (the weight gradient written into .grad) as well.
        (NNFunctional.LinearRelu(x, w, b) * c).Sum().Backward();
        for (int i = 0; i < leaves.Length; i++) Assert.Equal(gPlain[i].ToDoubleArray(), leaves[i].Grad!.ToDoubleArray());
    }

    [Fact]
    public void Sequential_FusesLinearThenRelu_UnlessAnActivityPenaltyNeedsTheirOutputs()
    {
        var net = new Sequential(new Linear(4, 3, generator: new Generator(6)), new ReLU(), new Linear(3, 2, generator: new Generator(7)), new Tanh());
        var x = Tensor.Randn([5, 4], new Generator(8));
        var y = net.Forward(x);
        Assert.Equal("LinearRelu", y.GradFn!.Inputs[0].GradFn!.Inputs[0].GradFnName);
        var unfused = ((Linear)net[2]).Forward(NNFunctional.Relu(((Linear)net[0]).Forward(x))).Tanh();
        Assert.Equal(unfused.ToDoubleArray(), y.ToDoubleArray());

        net[1].ActivityRegularizer = Regularizers.L1(0.5);
        var y2 = net.Forward(x);
        Assert.Equal("Relu", y2.GradFn!.Inputs[0].GradFn!.Inputs[0].GradFnName);
        Assert.Equal(y.ToDoubleArray(), y2.ToDoubleArray());
        double penalty = net.RegularizationLoss().Item();
        Assert.True(penalty > 0);
        // Removing the regularizer brings the fused path back, and the old penalty does not linger.
        net[1].ActivityRegularizer = null;
        var y3 = net.Forward(x);
        Assert.Equal("LinearRelu", y3.GradFn!.Inputs[0].GradFn!.Inputs[0].GradFnName);
        Assert.Equal(0.0, net.RegularizationLoss().Item());
    }
}
