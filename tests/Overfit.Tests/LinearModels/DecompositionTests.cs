using Overfit.Tensors.Kernels;

namespace Overfit.Tests.LinearModels;

public class DecompositionTests
{
    private static double[] RandomMatrix(int m, int n, int seed)
    {
        var a = new double[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = LinearTestData.U(seed * 100000 + i) - 0.5;
        return a;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(40)]
    public void SymmetricEigenReconstructsAndIsOrthonormal(int n)
    {
        var b = RandomMatrix(n, n, n);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i * n + j] = b[i * n + j] + b[j * n + i];
        var (values, v) = DenseLinalg.SymmetricEigenRows(a, n);
        for (int j = 1; j < n; j++) Assert.True(values[j] >= values[j - 1]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double rec = 0, dot = 0;
                for (int k = 0; k < n; k++) { rec += v[k * n + i] * values[k] * v[k * n + j]; dot += v[i * n + k] * v[j * n + k]; }
                Assert.True(Math.Abs(rec - a[i * n + j]) < 1e-12 * n, $"A[{i},{j}] rebuilt as {rec}, expected {a[i * n + j]}");
                Assert.True(Math.Abs(dot - (i == j ? 1 : 0)) < 1e-12 * n, $"vᵢ·vⱼ = {dot} for i={i}, j={j}");
            }
    }

    [Theory]
    [InlineData(30, 6)]
    [InlineData(6, 30)]
    [InlineData(8, 8)]
    public void ThinSvdReconstructs(int m, int n)
    {
        var a = RandomMatrix(m, n, m + 7 * n);
        var svd = ThinSvd.Compute(a, m, n);
        for (int j = 1; j < svd.K; j++) Assert.True(svd.S[j] <= svd.S[j - 1]);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double rec = 0;
                for (int k = 0; k < svd.K; k++) rec += svd.URows[k * m + i] * svd.S[k] * svd.VRows[k * n + j];
                Assert.True(Math.Abs(rec - a[i * n + j]) < 1e-13, $"A[{i},{j}] rebuilt as {rec}, expected {a[i * n + j]}");
            }
    }
}
