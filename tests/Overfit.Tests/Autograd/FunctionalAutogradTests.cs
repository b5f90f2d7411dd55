using Overfit.NN;
using Overfit.Tensors;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Tests.Autograd;

/// <summary>Vjp, Jvp, Hvp and Hessian (torch.autograd.functional's forms) against finite differences and closed forms.</summary>
public class FunctionalAutogradTests
{
    private static Tensor R(int[] shape, ulong seed) => Tensor.Randn(shape, new Generator(seed), DType.Float64);

    /// <summary>A small two-layer network's loss as a function of its two weight matrices.</summary>
    private static Tensor NetLoss(Tensor[] w)
    {
        var x = R([6, 3], 1);
        var h = NNFunctional.Linear(x, w[0]).Tanh();
        return Functional.CrossEntropy(NNFunctional.Linear(h, w[1]), [0, 1, 2, 1, 0, 2]);
    }

    [Fact]
    public void HvpEqualsFiniteDifferencesOfGradients()
    {
        Tensor[] w = [R([4, 3], 2), R([3, 4], 3)];
        Tensor[] v = [R([4, 3], 4), R([3, 4], 5)];
        var (_, hv) = AG.Hvp(NetLoss, w, v);
        const double eps = 1e-6;
        Tensor[] Grad(double t)
        {
            var at = new[] { w[0].Add(v[0].Mul(t)), w[1].Add(v[1].Mul(t)) };
            return AG.Vjp(NetLoss, at).Vjp;
        }
        var (plus, minus) = (Grad(eps), Grad(-eps));
        for (int k = 0; k < 2; k++)
        {
            var (p, m, a) = (plus[k].ToDoubleArray(), minus[k].ToDoubleArray(), hv[k].ToDoubleArray());
            for (int i = 0; i < a.Length; i++) Assert.Equal((p[i] - m[i]) / (2 * eps), a[i], 6);
        }
    }

    [Fact]
    public void HessianOfAQuadraticFormIsTheSymmetrizedMatrix()
    {
        var a = Tensor.FromArray(new double[,] { { 2, 1, 0 }, { 3, -1, 4 }, { 0, 5, 1 } });
        var h = AG.Hessian(x => x.MatMul(a).MatMul(x), Tensor.FromArray([0.3, -0.2, 0.9])).ToDoubleArray();
        var m = a.ToDoubleArray();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) Assert.Equal(m[i * 3 + j] + m[j * 3 + i], h[i * 3 + j], 12);
    }

    [Fact]
    public void HessianTimesVectorEqualsHvp()
    {
        var w = R([5], 6);
        var v = R([5], 7);
        Func<Tensor, Tensor> f = x => x.Mul(x).Sum().Exp().Add(x.Sin().Prod3());
        var h = AG.Hessian(f, w);
        var (_, hv) = AG.Hvp(t => f(t[0]), [w], [v]);
        var expected = h.MatMul(v).ToDoubleArray();
        var actual = hv[0].ToDoubleArray();
        for (int i = 0; i < 5; i++) Assert.Equal(expected[i], actual[i], 10);
    }

    [Fact]
    public void JvpEqualsFiniteDifferenceOfTheFunction()
    {
        var x = R([4], 8);
        var v = R([4], 9);
        var m = R([3, 4], 10);
        Func<Tensor[], Tensor> f = t => m.MatMul(t[0].Tanh()).Mul(t[0].Sum());
        var (y, jv) = AG.Jvp(f, [x], [v]);
        const double eps = 1e-6;
        var plus = f([x.Add(v.Mul(eps))]).ToDoubleArray();
        var minus = f([x.Sub(v.Mul(eps))]).ToDoubleArray();
        var a = jv.ToDoubleArray();
        for (int i = 0; i < 3; i++) Assert.Equal((plus[i] - minus[i]) / (2 * eps), a[i], 7);
        Assert.False(y.RequiresGrad);
    }

    [Fact]
    public void VjpEqualsGradientOfTheWeightedOutput()
    {
        var x = R([4], 11);
        var u = R([4], 12);
        var (_, vjp) = AG.Vjp(t => t[0].Exp().Mul(t[0]), [x], u);
        var expected = x.Exp().Mul(x.Add(1)).Mul(u).ToDoubleArray();
        var actual = vjp[0].ToDoubleArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Fact]
    public void DirectionsOfTheWrongShapeAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => AG.Hvp(t => t[0].Sum(), [R([3], 1)], [R([4], 2)]));
        Assert.Contains("v[0]", ex.Message);
    }
}

internal static class TensorTestExtensions
{
    /// <summary>x0·x1·x2 of a vector, a non-separable term for the Hessian tests.</summary>
    public static Tensor Prod3(this Tensor x) => x.Select(0, 0).Mul(x.Select(0, 1)).Mul(x.Select(0, 2));
}
