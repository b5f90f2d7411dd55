using Overfit.Autograd;
using Overfit.Tensors;

namespace Overfit.Tests.Tensors;

public class TensorSmokeTests
{
    [Fact]
    public void MatMulBackwardMatchesFiniteDifferences()
    {
        var g = new Generator(1);
        var a = Tensor.Randn([3, 4], g, DType.Float64, requiresGrad: true);
        var b = Tensor.Randn([4, 2], g, DType.Float64, requiresGrad: true);
        var r = GradCheck.Check(x => x[0].MatMul(x[1]).Tanh(), [a, b]);
        Assert.True(r.Passed, r.Message);
    }

    [Fact]
    public void BroadcastAddSumsGradientOverBroadcastDims()
    {
        var x = Tensor.Ones([2, 3], DType.Float64, requiresGrad: true);
        var bias = Tensor.Zeros([3], DType.Float64, requiresGrad: true);
        x.Add(bias).Sum().Backward();
        Assert.Equal(new double[] { 2, 2, 2 }, bias.Grad!.ToDoubleArray());
    }
}
