using Overfit.GaussianProcesses;
using R = Overfit.Tests.GaussianProcesses.SklearnReference;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>Kernel matrices, gradients (n×n×p) and theta against scikit-learn 1.2.1 (tests/fixtures/reference/gp/gp_reference.py).</summary>
public class KernelReferenceTests
{
    public static TheoryData<string> Names => new(["RbfIso", "RbfArd", "Matern12", "Matern32", "Matern52", "RationalQuadratic", "ExpSineSquared", "DotProduct", "Composite"]);

    private static Kernel Make(string name) => name switch
    {
        "RbfIso" => new RBF(1.3),
        "RbfArd" => new RBF([0.7, 2.1]),
        "Matern12" => new Matern([0.8, 1.7], nu: 0.5),
        "Matern32" => new Matern([0.8, 1.7], nu: 1.5),
        "Matern52" => new Matern([0.8, 1.7], nu: 2.5),
        "RationalQuadratic" => new RationalQuadratic(1.2, alpha: 0.7),
        "ExpSineSquared" => new ExpSineSquared(1.1, periodicity: 2.3),
        "DotProduct" => new DotProduct(0.9),
        "Composite" => new ConstantKernel(2.0) * new RBF(1.5) + new WhiteKernel(0.3),
        _ => throw new ArgumentException(name),
    };

    private static double[] Field(string name) => (double[])typeof(R).GetField(name)!.GetValue(null)!;

    internal static void Close(double[] expected, double[] actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= atol + rtol * Math.Abs(expected[i]), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Theory, MemberData(nameof(Names))]
    public void MatchesScikitLearn(string name)
    {
        var k = Make(name);
        int n = 6, m = 3, d = 2;
        var kx = new double[n * n];
        k.EvaluateSymmetric(R.KernelX, n, d, kx);
        Close(Field(name + "K"), kx, 1e-12, 1e-14, name + " K");
        var kxy = new double[n * m];
        k.Evaluate(R.KernelX, n, R.KernelY, m, d, kxy);
        Close(Field(name + "KXY"), kxy, 1e-12, 1e-14, name + " K(X,Y)");
        Close(Field(name + "Theta"), k.Theta, 1e-14, 1e-14, name + " theta");
        // scikit-learn's layout is n×n×p; ours is p blocks of n×n.
        int p = k.ThetaCount;
        var g = new double[p * n * n];
        k.HyperparameterGradients(R.KernelX, n, d, g);
        var ours = new double[n * n * p];
        for (int t = 0; t < p; t++)
            for (int ij = 0; ij < n * n; ij++) ours[ij * p + t] = g[t * n * n + ij];
        Close(Field(name + "Grad"), ours, 1e-10, 1e-12, name + " dK/dtheta");
    }

    [Fact]
    public void HyperparameterNamesFollowScikitLearn()
    {
        var k = new ConstantKernel(2.0) * new Matern([1.0, 1.0], nu: 2.5) + new WhiteKernel(1.0);
        Assert.Equal(["k1__k1__constant_value", "k1__k2__length_scale[0]", "k1__k2__length_scale[1]", "k2__noise_level"], k.ThetaNames);
        Assert.Equal(["alpha", "length_scale"], new RationalQuadratic().ThetaNames);
        Assert.Equal(["length_scale", "periodicity"], new ExpSineSquared().ThetaNames);
    }

    [Fact]
    public void PublicArrayApiAgreesWithSpanApi()
    {
        var k = new Matern([0.8, 1.7], nu: 2.5);
        var x = new double[6, 2];
        Buffer.BlockCopy(R.KernelX, 0, x, 0, 12 * sizeof(double));
        var kx = k.K(x);
        Close(R.Matern52K, kx.Cast<double>().ToArray(), 1e-12, 1e-14, "K(double[,])");
        var g = k.HyperparameterGradient(x);
        Close(R.Matern52Grad, g.Cast<double>().ToArray(), 1e-10, 1e-12, "HyperparameterGradient");
        var t = k.K(Overfit.Tensors.Tensor.FromArray(x));
        Close(R.Matern52K, t.ToDoubleArray(), 1e-12, 1e-14, "K(Tensor)");
        Assert.Equal(Enumerable.Repeat(1.0, 6), k.Diag(x));
    }
}
