using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Tests.NN;

public class ModuleTests
{
    private static Sequential SmallNet() => new(new Linear(4, 3, generator: new Generator(1)), new BatchNorm1d(3), new ReLU(), new Dropout(0.5), new Linear(3, 2, generator: new Generator(2)));

    [Fact]
    public void SimpleNetwork_HasTheChaptersLayersAndKeys()
    {
        var net = new SimpleNetwork(new ReLU());
        var names = net.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias", "layers.4.weight", "layers.4.bias",
            "layers.6.weight", "layers.6.bias", "layers.8.weight", "layers.8.bias"], names);
        // 784·256+256 + 256·192+192 + 192·128+128 + 128·64+64 + 64·10+10
        Assert.Equal(784 * 256 + 256 + 256 * 192 + 192 + 192 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, net.ParameterCount());
        var y = net.Forward(Tensor.Zeros([2, 1, 28, 28]));
        Assert.Equal([2, 10], y.Shape);
        var linearOnly = new SimpleNetwork(new ReLU(), inputSize: 10, numLabels: 3, hidden: [5], noActivation: true);
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"], linearOnly.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal("5", linearOnly.Configuration()["hidden"]);
    }

    [Fact]
    public void DropoutExperimentModels_Have30_128_256_128_1_WithSigmoid()
    {
        var plain = DropoutExperimentModels.Create(withDropout: false);
        var dropout = DropoutExperimentModels.Create(withDropout: true);
        Assert.Equal(plain.ParameterCount(), dropout.ParameterCount());
        Assert.Equal(30 * 128 + 128 + 128 * 256 + 256 + 256 * 128 + 128 + 128 + 1, plain.ParameterCount());
        Assert.Equal(3, dropout.NamedModules().Count(m => m.Module is Dropout));
        Assert.IsType<Sigmoid>(plain[plain.Count - 1]);
        var y = dropout.Forward(Tensor.Randn([5, 30], new Generator(3))).ToDoubleArray();
        Assert.All(y, v => Assert.InRange(v, 0, 1));
    }

    [Fact]
    public void TrainAndEval_PropagateToChildren_WithoutGlobalMode()
    {
        var a = SmallNet();
        var b = SmallNet();
        a.Eval();
        Assert.All(a.NamedModules(), m => Assert.False(m.Module.Training));
        Assert.All(b.NamedModules(), m => Assert.True(m.Module.Training));
        // In eval, dropout is off and batch norm uses running statistics: the output is deterministic.
        var x = Tensor.Randn([6, 4], new Generator(4));
        Assert.Equal(a.Forward(x).ToDoubleArray(), a.Forward(x).ToDoubleArray());
        a[1].Train();
        Assert.True(a[1].Training);
        Assert.False(a[3].Training);
    }

    [Fact]
    public void StateDict_RoundTrips_AndLoadsInPlace()
    {
        var a = SmallNet();
        a.Forward(Tensor.Randn([8, 4], new Generator(5)));
        var b = SmallNet();
        var bWeight = b.Parameters().First();
        b.LoadStateDict(a.StateDict());
        Assert.Same(bWeight, b.Parameters().First());
        foreach (var (key, value) in a.StateDict())
            Assert.Equal(value.ToDoubleArray(), b.StateDict()[key].ToDoubleArray());
        Assert.Contains("1.running_mean", a.StateDict().Keys);
        Assert.Contains("1.num_batches_tracked", a.StateDict().Keys);
    }

    [Fact]
    public void LoadStateDict_Mismatch_NamesKeyAndBothShapes()
    {
        var a = new Sequential(new Linear(4, 3));
        var b = new Sequential(new Linear(5, 3));
        var ex = Assert.Throws<ArgumentException>(() => b.LoadStateDict(a.StateDict()));
        Assert.Contains("0.weight", ex.Message);
        Assert.Contains("[3, 4]", ex.Message);
        Assert.Contains("[3, 5]", ex.Message);
        var extra = new Dictionary<string, Tensor>(a.StateDict()) { ["9.weight"] = Tensor.Zeros([1]) };
        Assert.Contains("unexpected key '9.weight'", Assert.Throws<ArgumentException>(() => a.LoadStateDict(extra)).Message);
        var missing = new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Zeros([3, 4]) };
        Assert.Contains("0.bias", Assert.Throws<ArgumentException>(() => a.LoadStateDict(missing)).Message);
        a.LoadStateDict(missing, strict: false);
        Assert.All(a.StateDict()["0.weight"].ToDoubleArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void To_ConvertsParametersAndBuffers()
    {
        var net = SmallNet();
        net.To(DType.Float64);
        Assert.All(net.Parameters(), p => Assert.Equal(DType.Float64, p.DType));
        Assert.All(net.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.Equal(DType.Float64, ((BatchNorm1d)net[1]).RunningMean!.DType);
        var y = net.Forward(Tensor.Randn([3, 4], new Generator(1), DType.Float64));
        Assert.Equal(DType.Float64, y.DType);
    }

    [Fact]
    public void ZeroGrad_ClearsEveryParameter()
    {
        var net = SmallNet();
        net.Forward(Tensor.Randn([5, 4], new Generator(2))).Sum().Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad(setToNone: false);
        Assert.All(net.Parameters(), p => Assert.All(p.Grad!.ToDoubleArray(), v => Assert.Equal(0, v)));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void FlattenAndIdentity()
    {
        var x = Tensor.Randn([2, 3, 4], new Generator(3));
        Assert.Equal([2, 12], new Flatten().Forward(x).Shape);
        Assert.Same(x, new Identity().Forward(x));
    }
}
