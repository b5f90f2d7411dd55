using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>The fused lower-triangle contraction of the marginal-likelihood gradient against forming W and contracting it.</summary>
public class GpLowerWeightsTests
{
    public static TheoryData<int, int> Cases() => new() { { 0, 9 }, { 0, 300 }, { 1, 300 }, { 2, 300 }, { 3, 301 }, { 4, 40 }, { 5, 300 }, { 6, 20 }, { 7, 300 } };

    private static Kernel MakeKernel(int index) => index switch
    {
        0 => new ConstantKernel(3.0) * new Matern([0.8, 1.1, 1.5], nu: 2.5) + new WhiteKernel(0.05),
        1 => new Matern(0.7, nu: 0.5) + new WhiteKernel(0.2, isFixed: true),
        2 => new Matern([0.8, 1.1, 1.5], nu: 1.5) * new ConstantKernel(0.4),
        3 => new RBF([0.5, 2.0, 1.0]) + new ConstantKernel(0.3),
        4 => new WhiteKernel(0.3),
        5 => new ConstantKernel(2.0, isFixed: true) * new RBF(0.6),
        6 => new ConstantKernel(1.5),
        _ => new ConstantKernel(2.0) * new Matern([0.8, 1.1, 1.5], nu: 2.5, isFixed: true) + new WhiteKernel(0.05),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LowerTriangleContractionMatchesTheFullWeightMatrix(int kernelIndex, int n)
    {
        var kernel = MakeKernel(kernelIndex);
        Assert.True(kernel.SupportsLowerWeights);
        var x = KernelContractTests.Points(n, 3);
        var rng = new Overfit.Tensors.Generator(11);
        var inverse = new double[n * n];
        var alpha = new double[n];
        for (int i = 0; i < n; i++)
        {
            alpha[i] = rng.NextNormal();
            for (int j = 0; j <= i; j++) inverse[i * n + j] = rng.NextNormal();
            for (int j = i + 1; j < n; j++) inverse[i * n + j] = double.NaN; // the upper triangle must not be read
        }
        var w = (double[])inverse.Clone();
        GpLinalg.WeightsFromInverse(w, alpha, n);
        var expected = new double[kernel.ThetaCount];
        double expectedValue = kernel.ContractValueAndGradients(x, n, 3, w, expected);
        var got = new double[kernel.ThetaCount];
        double value = kernel.ContractLowerWeights(x, n, 3, new LowerWeights(inverse, alpha, n), got);
        double scale = Math.Max(1, Math.Abs(expectedValue));
        Assert.True(Math.Abs(value - expectedValue) <= 1e-10 * scale * n, $"{kernel}: value {value}, expected {expectedValue}");
        for (int t = 0; t < got.Length; t++)
            Assert.True(Math.Abs(got[t] - expected[t]) <= 1e-10 * Math.Max(1, Math.Abs(expected[t])) * n,
                $"{kernel}: gradient {t} = {got[t]}, expected {expected[t]}");
    }

    [Fact]
    public void KernelsWithoutTheFusedPathSayTheyHaveNone()
    {
        Assert.False(new RationalQuadratic(0.9, 1.5).SupportsLowerWeights);
        Assert.False((new RBF(1.0) * new Matern(1.0)).SupportsLowerWeights);
        Assert.False((new ConstantKernel(1.0) * new ExpSineSquared()).SupportsLowerWeights);
        Assert.Throws<NotSupportedException>(() => new DotProduct().ContractLowerWeights([1.0], 1, 1, new LowerWeights([1.0], [1.0], 1), new double[1]));
    }
}
