using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Linalg;

public sealed class EigenTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(60)]
    public void JacobiDecompositionIsAccurateAndOrthonormal(int n)
    {
        var rng = new Random(n);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.NextDouble() * 2 - 1;
        var w = new double[n];
        var v = new double[n * n];
        DenseLinalg.SymmetricEigen(a, n, w, v);
        for (int j = 1; j < n; j++) Assert.True(w[j - 1] <= w[j], "eigenvalues must be ascending");
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double av = 0, vtv = 0;
                for (int k = 0; k < n; k++) { av += a[i * n + k] * v[k * n + j]; vtv += v[k * n + i] * v[k * n + j]; }
                Assert.True(Math.Abs(av - w[j] * v[i * n + j]) < 1e-12 * Math.Max(1, n), $"A·v ≠ λ·v at ({i},{j}), n={n}");
                Assert.True(Math.Abs(vtv - (i == j ? 1 : 0)) < 1e-13 * Math.Max(1, n), $"VᵀV ≠ I at ({i},{j}), n={n}");
            }
    }

    [Fact]
    public void RepeatedEigenvaluesAndDiagonalInput()
    {
        var a = new double[] { 2, 0, 0, 0, -1, 0, 0, 0, 2 };
        var w = new double[3];
        var v = new double[9];
        DenseLinalg.SymmetricEigen(a, 3, w, v);
        Assert.Equal(new double[] { -1, 2, 2 }, w);
        Assert.Equal(1.0, v[1 * 3 + 0]);
    }
}
