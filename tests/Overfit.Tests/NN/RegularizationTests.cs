using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.NN;

public class RegularizationTests
{
    private static readonly double[] W = [0.5, -1.5, 2.0, 0.0, -0.25, 1.0];

    [Fact]
    public void Penalties_ValuesAndGradients_AreExact()
    {
        var w = Tensor.FromArray(W, [2, 3], requiresGrad: true);
        var b = Tensor.FromArray(new[] { -0.3, 0.7 }, [2], requiresGrad: true);
        double l1 = 0.01, l2 = 0.02;
        var all = W.Concat([-0.3, 0.7]).ToArray();
        var pen = Penalties.ElasticNet([w, b], l1, l2);
        Assert.Equal(l1 * all.Sum(Math.Abs) + l2 * all.Sum(v => v * v), pen.Item(), 12);
        pen.Backward();
        // d/dp (l1|p| + l2 p²) = l1·sign(p) + 2·l2·p (sign(0) = 0, as torch.abs)
        var expected = W.Select(v => l1 * Math.Sign(v) + 2 * l2 * v).ToArray();
        TestInputs.AssertClose(expected, w.Grad!.ToDoubleArray(), 1e-12, "dW");
        Assert.Equal(l1 * all.Sum(Math.Abs), Penalties.L1([w, b], l1).Item(), 12);
        Assert.Equal(l2 * all.Sum(v => v * v), Penalties.L2([w, b], l2).Item(), 12);
    }

    [Fact]
    public void ChaptersCustomLoss_IsMsePlusL1PlusL2OverAllParameters()
    {
        var model = new Linear(3, 1, dtype: DType.Float64, generator: new Generator(4));
        var x = Tensor.Randn([5, 3], new Generator(5), DType.Float64);
        var y = Tensor.Randn([5, 1], new Generator(6), DType.Float64);
        var outputs = model.Forward(x);
        var loss = new MSELoss().Forward(outputs, y).Add(Penalties.ElasticNet(model.Parameters(), 0.01, 0.01));
        var ps = model.Parameters().SelectMany(p => p.ToDoubleArray()).ToArray();
        var o = outputs.ToDoubleArray(); var t = y.ToDoubleArray();
        double mse = o.Zip(t, (a, b) => (a - b) * (a - b)).Average();
        Assert.Equal(mse + 0.01 * ps.Sum(Math.Abs) + 0.01 * ps.Sum(v => v * v), loss.Item(), 12);
    }

    [Fact]
    public void KerasStyleRegularizers_AreSummedByRegularizationLoss()
    {
        var first = new Linear(3, 2, dtype: DType.Float64) { WeightRegularizer = Regularizers.L2(0.01), BiasRegularizer = Regularizers.L1(0.1) };
        var second = new Linear(2, 1, dtype: DType.Float64) { ActivityRegularizer = Regularizers.L1(0.5) };
        var net = new Sequential(first, new Tanh(), second);
        Assert.Equal(0.01 * first.Weight.ToDoubleArray().Sum(v => v * v) + 0.1 * first.Bias!.ToDoubleArray().Sum(Math.Abs), net.RegularizationLoss().Item(), 12);
        var output = net.Forward(Tensor.Randn([4, 3], new Generator(1), DType.Float64));
        double expected = 0.01 * first.Weight.ToDoubleArray().Sum(v => v * v) + 0.1 * first.Bias!.ToDoubleArray().Sum(Math.Abs) + 0.5 * output.ToDoubleArray().Sum(Math.Abs);
        var reg = net.RegularizationLoss();
        Assert.Equal(expected, reg.Item(), 12);
        // Gradient: the same sum written out with tensor ops, differentiated by autograd.
        var x = Tensor.Randn([4, 3], new Generator(1), DType.Float64);
        net.Forward(x);
        var got = global::Overfit.Autograd.Autograd.Gradient(net.RegularizationLoss(), [first.Weight, first.Bias!, second.Weight]);
        var h = x.MatMul(first.Weight.T).Add(first.Bias!).Tanh().MatMul(second.Weight.T).Add(second.Bias!);
        var explicitSum = first.Weight.Mul(first.Weight).Sum().Mul(0.01).Add(first.Bias!.Abs().Sum().Mul(0.1)).Add(h.Abs().Sum().Mul(0.5));
        var want = global::Overfit.Autograd.Autograd.Gradient(explicitSum, [first.Weight, first.Bias!, second.Weight]);
        for (int i = 0; i < 3; i++) TestInputs.AssertClose(want[i].ToDoubleArray(), got[i].ToDoubleArray(), 1e-12, $"gradient {i}");
        Assert.Equal(0.0, new Sequential(new Linear(2, 2)).RegularizationLoss().Item());
        net.Eval();
        net.Forward(x);
        Assert.Equal(0.01 * first.Weight.ToDoubleArray().Sum(v => v * v) + 0.1 * first.Bias!.ToDoubleArray().Sum(Math.Abs), net.RegularizationLoss().Item(), 12);
    }

    [Fact]
    public void Regularizers_RejectNegativeStrength()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Regularizers.L1(-1));
        Assert.Equal("l1", ex.ParamName);
        Assert.Throws<ArgumentException>(() => Penalties.L1(Array.Empty<Tensor>()));
    }
}
