using Overfit.GaussianProcesses;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.GaussianProcesses;

public class GpLinalgTests
{
    [Theory]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(157)]
    [InlineData(301)]
    public void InverseFromCholeskyInvertsTheMatrix(int n)
    {
        var x = KernelContractTests.Points(n, 3);
        var k = new double[n * n];
        (new Matern([0.8, 1.1, 1.5], nu: 2.5) + new WhiteKernel(0.05)).EvaluateSymmetric(x, n, 3, k);
        var l = new double[n * n];
        Assert.Equal(0.0, GpLinalg.CholeskyWithJitter(k, n, l));
        var inv = new double[n * n];
        DenseLinalg.InverseFromCholesky(l, n, inv);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int t = 0; t < n; t++) s += k[i * n + t] * inv[t * n + j];
                Assert.True(Math.Abs(s - (i == j ? 1 : 0)) < 1e-8, $"(K·K⁻¹)[{i},{j}] = {s}");
                Assert.Equal(inv[i * n + j], inv[j * n + i]);
            }
    }

    [Fact]
    public void JitterLadderRescuesASingularMatrixAndGivesUpOnAnIndefiniteOne()
    {
        var singular = new double[] { 1, 1, 1, 1 };
        var l = new double[4];
        double jitter = GpLinalg.CholeskyWithJitter(singular, 2, l);
        Assert.True(jitter > 0 && jitter <= 1e-4);
        Assert.True(double.IsNaN(GpLinalg.CholeskyWithJitter(new double[] { 1, 2, 2, 1 }, 2, l)));
    }
}
