using Overfit.Tensors;
using static Overfit.Tests.Tensors.TensorTestUtil;

namespace Overfit.Tests.Tensors;

/// <summary>NaN and ±∞ propagate as IEEE 754 says; activations match PyTorch where the formula is subtle.</summary>
public class SpecialValueTests
{
    private static readonly double Nan = double.NaN, Inf = double.PositiveInfinity;

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NaNAndInfinityPropagate(DType dtype)
    {
        var x = Tensor.FromArray([Nan, Inf, -Inf, 1.0, -2.0], [5]).To(dtype);
        var one = Tensor.Ones([5], dtype);
        AssertClose([Nan, Inf, -Inf, 2, -1], x.Add(one));
        AssertClose([Nan, Inf, -Inf, 1, -2], x.Mul(one));
        AssertClose([Nan, Nan, Nan, 0, -0.0], x.Mul(Tensor.Zeros([5], dtype)));
        AssertClose([Nan, Nan, Nan, 0, 0], x.Sub(x));
        AssertClose([Nan, Inf, -Inf, 1, -2], x.Div(one));
        AssertClose([Nan, Inf, 0, Math.E, Math.Exp(-2)], x.Exp(), 1e-6);
        AssertClose([Nan, Inf, 0, 1, 0], x.Relu());
        AssertClose([Nan], x.Sum());
        AssertClose([Inf], x.Slice(0, 1, 5).Max());
        AssertClose([-Inf], x.Slice(0, 1, 5).Min());
        AssertClose([Nan], x.Max());
        AssertClose([Nan, Nan, Nan, Nan, Nan], x.Softmax(0));
        AssertClose([Nan], Tensor.FromArray([Inf, -Inf], [2]).To(dtype).Sum());
        // As in PyTorch, +∞ in a row makes the whole softmax NaN (∞ − ∞), while −∞ entries just get 0.
        AssertClose([Nan, Nan, Nan], Tensor.FromArray([Inf, 1, -Inf], [3]).To(dtype).Softmax(0));
        AssertClose([0, 1, 0], Tensor.FromArray([-Inf, 1, -Inf], [3]).To(dtype).Softmax(0));
        AssertClose([Nan, 1, -1], x.Slice(0, 0, 3).Tanh());
        AssertClose([Nan, 1, 0], x.Slice(0, 0, 3).Sigmoid());
        AssertClose([Nan, Inf, -Inf], x.Slice(0, 0, 3).Clamp(-Inf, Inf));
        AssertClose([Nan, 3, -3], x.Slice(0, 0, 3).Clamp(-3, 3));
        AssertClose([Nan, Inf, -Inf * 0.1], x.Slice(0, 0, 3).LeakyRelu(0.1));
        AssertClose([Nan, Inf, 1], x.Slice(0, 0, 3).Maximum(one.Slice(0, 0, 3)));
        AssertClose([Nan, Inf, Inf], x.Slice(0, 0, 3).Abs());
        AssertClose([Nan, Inf, 0], x.Slice(0, 0, 3).Softplus());
        // Reference values: tests/fixtures/reference/tensors/tensor_reference.py (PyTorch 1.13): a negative base gives a real result
        // only for an integral exponent.
        AssertClose([-8, Nan], Tensor.FromArray([-2.0, -8.0], [2]).To(dtype).Pow(Tensor.FromArray([3.0, 1.0 / 3], [2]).To(dtype)), 1e-6);
    }

    [Fact]
    public void ActivationsMatchPyTorch()
    {
        // Reference values: tests/fixtures/reference/tensors/tensor_reference.py (PyTorch 1.13, float64).
        var x = Tensor.FromArray([-3.0, -1.5, -0.5, 0.0, 0.25, 1.0, 2.5, 40.0], [8], requiresGrad: true);
        var gelu = x.Gelu();
        AssertClose([-0.00404969409489031, -0.10021080190328704, -0.15426876936299344, 0.0, 0.14967658142073093, 0.841344746068543, 2.4844758366855597, 40.0], gelu, 1e-13);
        gelu.Sum().Backward();
        AssertClose([-0.01194564720418392, -0.1274691922299796, 0.13250487534383712, 0.5, 0.695373354883636, 1.0833154705876864, 1.037611085908145, 1.0], x.Grad!, 1e-13);

        var xs = Tensor.FromArray([-50.0, -3.0, -0.5, 0.0, 0.5, 3.0, 25.0, 800.0], [8]);
        AssertClose([1.9287498479639178e-22, 0.04858735157374206, 0.4740769841801067, 0.6931471805599453, 0.9740769841801067, 3.048587351573742, 25.0, 800.0], xs.Softplus(), 1e-12);
        AssertClose([-1.0, -0.950212931632136, -0.3934693402873666, 0.0, 0.5, 3.0, 25.0, 800.0], xs.Elu(), 1e-14);
        AssertClose([-9.64374923981959e-21, -0.14227761953270035, -0.1887703343990727, 0.0, 0.3112296656009273, 2.8577223804672998, 24.9999999996528, 800.0], xs.Silu(), 1e-14);
        // Float32 paths agree to single precision.
        AssertClose([1.9287498479639178e-22, 0.04858735157374206, 0.4740769841801067, 0.6931471805599453, 0.9740769841801067, 3.048587351573742, 25.0, 800.0], xs.To(DType.Float32).Softplus(), 1e-6);
        AssertClose([-0.00404969409489031, -0.10021080190328704, -0.15426876936299344, 0.0, 0.14967658142073093, 0.841344746068543, 2.4844758366855597, 40.0], x.Detach().To(DType.Float32).Gelu(), 1e-6);
    }
}
