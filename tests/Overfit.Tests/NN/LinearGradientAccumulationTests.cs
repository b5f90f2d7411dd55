using Overfit.NN;
using Overfit.Optim;
using Overfit.Tensors;
using AutogradApi = Overfit.Autograd.Autograd;

namespace Overfit.Tests.NN;

/// <summary>
/// Linear's backward writes the weight gradient straight into the leaf's buffer during Backward (and runs dx and
/// dW at the same time for large layers). These check it against an explicit loop product and against
/// Autograd.Gradient: accumulation over calls, tied weights, a pre-set gradient, and Adam on a large parameter.
/// </summary>
public sealed class LinearGradientAccumulationTests
{
    /// <summary>dW = gᵀ·x, dx = g·W, db = Σ rows of g, in Float64 loops (g = ∂ sum(y·c)/∂y = c).</summary>
    private static (double[] Dw, double[] Dx, double[] Db) Expected(double[] x, double[] w, double[] c, int rows, int inF, int outF)
    {
        var dw = new double[outF * inF];
        var dx = new double[rows * inF];
        var db = new double[outF];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outF; o++)
            {
                double g = c[r * outF + o];
                db[o] += g;
                for (int i = 0; i < inF; i++)
                {
                    dw[o * inF + i] += g * x[r * inF + i];
                    dx[r * inF + i] += g * w[o * inF + i];
                }
            }
        return (dw, dx, db);
    }

    // 64·128·96 multiply-adds per product: above the size at which dx and dW run concurrently.
    [Theory]
    [InlineData(DType.Float64, 3, 5, 4)]
    [InlineData(DType.Float64, 64, 128, 96)]
    [InlineData(DType.Float32, 64, 128, 96)]
    public void BackwardAccumulatesIntoTheLeafAndMatchesLoops(DType dtype, int rows, int inF, int outF)
    {
        var gen = new Generator(11);
        var lin = new Linear(inF, outF, generator: gen, dtype: dtype);
        var x = Tensor.Randn([rows, inF], gen, dtype, requiresGrad: true);
        var c = Tensor.Randn([rows, outF], gen, dtype);
        var (dw, dx, db) = Expected(x.ToDoubleArray(), lin.Weight.ToDoubleArray(), c.ToDoubleArray(), rows, inF, outF);
        double tol = dtype == DType.Float32 ? 2e-4 : 1e-10;

        (lin.Forward(x) * c).Sum().Backward();
        AssertClose(dw, lin.Weight.Grad!.ToDoubleArray(), tol);
        AssertClose(dx, x.Grad!.ToDoubleArray(), tol);
        AssertClose(db, lin.Bias!.Grad!.ToDoubleArray(), tol);
        var firstBuffer = lin.Weight.Grad;

        // A second backward adds into the same buffer (PyTorch accumulates .grad).
        (lin.Forward(x) * c).Sum().Backward();
        Assert.Same(firstBuffer, lin.Weight.Grad);
        AssertClose(dw.Select(v => 2 * v).ToArray(), lin.Weight.Grad!.ToDoubleArray(), 2 * tol);
        AssertClose(db.Select(v => 2 * v).ToArray(), lin.Bias!.Grad!.ToDoubleArray(), 2 * tol);

        // Autograd.Gradient returns the gradient and leaves .grad alone.
        var before = lin.Weight.Grad!.ToDoubleArray();
        var grads = AutogradApi.Gradient((lin.Forward(x) * c).Sum(), [lin.Weight]);
        AssertClose(dw, grads[0].ToDoubleArray(), tol);
        Assert.Equal(before, lin.Weight.Grad!.ToDoubleArray());
    }

    [Fact]
    public void TiedWeightUsedTwiceGetsBothContributions()
    {
        var gen = new Generator(12);
        var w = Tensor.Randn([6, 6], gen, DType.Float64, requiresGrad: true);
        var x = Tensor.Randn([4, 6], gen, DType.Float64);
        Tensor Loss() => NNFunctional.Linear(NNFunctional.Linear(x, w).Tanh(), w).Square().Sum();
        var expected = AutogradApi.Gradient(Loss(), [w])[0].ToDoubleArray();
        Loss().Backward();
        AssertClose(expected, w.Grad!.ToDoubleArray(), 1e-12);
        // A gradient zeroed in place is reused; one set to a strided view is replaced by the engine's sum.
        w.Grad!.FillInPlace(0);
        Loss().Backward();
        AssertClose(expected, w.Grad!.ToDoubleArray(), 1e-12);
        w.Grad = Tensor.Ones([6, 6], DType.Float64).T;
        Loss().Backward();
        AssertClose(expected.Select(v => v + 1).ToArray(), w.Grad!.ToDoubleArray(), 1e-12);
    }

    [Fact]
    public void AdamOnALargeParameterMatchesTheScalarRule()
    {
        // 70,001 elements: split across two threads, with vector bodies and a scalar tail.
        const int n = 70_001;
        var gen = new Generator(13);
        var p = Tensor.Randn([n], gen, DType.Float32, requiresGrad: true);
        var theta = p.ToDoubleArray();
        var m = new double[n];
        var v = new double[n];
        var opt = new Adam([p], lr: 0.01, weightDecay: 0.1);
        for (int t = 1; t <= 3; t++)
        {
            var g = Tensor.Randn([n], gen, DType.Float32);
            p.Grad = g;
            opt.Step();
            var gd = g.ToDoubleArray();
            double bc1 = 1 - Math.Pow(0.9, t), bc2 = Math.Sqrt(1 - Math.Pow(0.999, t));
            for (int i = 0; i < n; i++)
            {
                double d = gd[i] + 0.1 * theta[i];
                m[i] = 0.9 * m[i] + 0.1 * d;
                v[i] = 0.999 * v[i] + 0.001 * d * d;
                theta[i] -= 0.01 / bc1 * (m[i] / (Math.Sqrt(v[i]) / bc2 + 1e-8));
            }
        }
        AssertClose(theta, p.ToDoubleArray(), 1e-5);
    }

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
