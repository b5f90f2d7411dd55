using Overfit.Autograd;
using Overfit.NN;
using Overfit.Tensors;
using static Overfit.Tests.NN.TestInputs;

namespace Overfit.Tests.NN;

public class LayerReferenceTests
{
    private static void CheckAgainstTorch(string name, Module module, int[] shape)
    {
        var x = Input(shape);
        var y = module.Forward(x);
        y.Mul(Weights(y.Shape)).Sum().Backward();
        var (output, grad) = LayerReference.Values[name];
        AssertClose(output, y.ToDoubleArray(), 1e-9, name + " output");
        AssertClose(grad, x.Grad!.ToDoubleArray(), 1e-9, name + " input grad");
    }

    private static Linear FormulaLinear()
    {
        var lin = new Linear(4, 3, dtype: DType.Float64);
        var w = new double[12];
        for (int o = 0; o < 3; o++) for (int i = 0; i < 4; i++) w[o * 4 + i] = 0.1 * (o + 1) - 0.05 * i;
        lin.Weight.CopyFrom(Tensor.FromArray(w, [3, 4]));
        lin.Bias!.CopyFrom(Tensor.FromArray(new[] { 0.2, 0.1, 0.0 }, [3]));
        return lin;
    }

    [Fact]
    public void Linear_MatchesTorch_OutputAndAllGradients()
    {
        var lin = FormulaLinear();
        CheckAgainstTorch("linear", lin, [2, 4]);
        // linear.weight.grad and linear.bias.grad printed by nn_layers.py
        AssertClose([0.6280190541721032, 1.1388026539818503, 1.1139895713416146, 0.5652497867322105, 0.5585835121172841, 1.4580965215147184,
            1.6718439534571585, 1.0992970508063213, 0.41354631213110393, 1.5800438651005682, 2.0034220994468077, 1.4845596160893886], lin.Weight.Grad!.ToDoubleArray(), 1e-9, "dW");
        AssertClose([1.444661516741707, 1.0229989700703441, 0.462878311905075], lin.Bias!.Grad!.ToDoubleArray(), 1e-9, "db");
    }

    public static TheoryData<string> ActivationNames => ["relu", "leaky_relu", "tanh", "sigmoid", "gelu", "elu", "silu", "softplus"];

    private static Module Activation(string name) => name switch
    {
        "relu" => new ReLU(),
        "leaky_relu" => new LeakyReLU(0.1),
        "tanh" => new Tanh(),
        "sigmoid" => new Sigmoid(),
        "gelu" => new GELU(),
        "elu" => new ELU(0.7),
        "silu" => new SiLU(),
        "softplus" => new Softplus(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ActivationNames))]
    public void Activation_MatchesTorch(string name) => CheckAgainstTorch(name, Activation(name), [2, 5]);

    [Fact]
    public void DropoutInEval_IsIdentity_AsTorch()
    {
        var d = new Dropout(0.5);
        d.Eval();
        CheckAgainstTorch("dropout_eval", d, [2, 5]);
    }

    [Fact]
    public void Linear_And_Relu_PassGradCheck()
    {
        var x = Tensor.Randn([3, 4], new Generator(1), DType.Float64, requiresGrad: true);
        var w = Tensor.Randn([2, 4], new Generator(2), DType.Float64, requiresGrad: true);
        var b = Tensor.Randn([2], new Generator(3), DType.Float64, requiresGrad: true);
        var r = GradCheck.Check(t => NNFunctional.Relu(NNFunctional.Linear(t[0], t[1], t[2])), [x, w, b], 1e-6, 1e-6, 1e-5);
        Assert.True(r.Passed, r.Message);
        var r3 = GradCheck.Check(t => NNFunctional.Linear(t[0], t[1]), [Tensor.Randn([2, 3, 4], new Generator(4), DType.Float64, requiresGrad: true), w], 1e-6, 1e-6, 1e-5);
        Assert.True(r3.Passed, r3.Message);
    }

    [Fact]
    public void Linear_Float32_AgreesWithFloat64()
    {
        var lin = FormulaLinear();
        var x = Input(5, 4);
        var y64 = lin.Forward(x).ToDoubleArray();
        lin.To(DType.Float32);
        var y32 = lin.Forward(x.Detach().To(DType.Float32)).ToDoubleArray();
        AssertClose(y64, y32, 1e-5, "float32");
    }

    [Fact]
    public void Linear_DefaultInit_IsUniformWithinOneOverSqrtIn()
    {
        var lin = new Linear(100, 50, generator: new Generator(7));
        double bound = 1 / Math.Sqrt(100);
        var w = lin.Weight.ToDoubleArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.All(lin.Bias!.ToDoubleArray(), v => Assert.InRange(v, -bound, bound));
        // A uniform on [-b, b] has variance b²/3.
        double var = w.Select(v => v * v).Average();
        Assert.InRange(var, bound * bound / 3 * 0.9, bound * bound / 3 * 1.1);
    }

    [Fact]
    public void Linear_BadInput_NamesTheArgument()
    {
        var lin = new Linear(4, 3);
        var ex = Assert.Throws<ArgumentException>(() => lin.Forward(Tensor.Zeros([2, 5])));
        Assert.Contains("input", ex.Message);
        Assert.Contains("4", ex.Message);
        Assert.Contains("[2, 5]", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(0, 3));
    }

    [Fact]
    public void Dropout_Training_ZeroesAboutP_AndScalesSurvivors()
    {
        var x = Tensor.Ones([100, 100]);
        var y = NNFunctional.Dropout(x, 0.3, training: true, new Generator(5)).ToDoubleArray();
        double zeros = y.Count(v => v == 0) / (double)y.Length;
        Assert.InRange(zeros, 0.27, 0.33);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / 0.7, v, 5));
        Assert.Same(x, NNFunctional.Dropout(x, 0.3, training: false));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5));
        Assert.Contains("p", ex.ParamName);
    }

    [Fact]
    public void Dropout_Gradient_UsesTheSameMask()
    {
        var x = Tensor.Randn([4, 6], new Generator(2), DType.Float64, requiresGrad: true);
        var y = NNFunctional.Dropout(x, 0.5, true, new Generator(9));
        y.Sum().Backward();
        var yv = y.ToDoubleArray(); var xv = x.ToDoubleArray(); var g = x.Grad!.ToDoubleArray();
        for (int i = 0; i < yv.Length; i++) Assert.Equal(yv[i] == 0 ? 0 : 2, g[i], 12);
        Assert.All(Enumerable.Range(0, yv.Length), i => Assert.True(yv[i] == 0 || Math.Abs(yv[i] - 2 * xv[i]) < 1e-12));
    }
}
