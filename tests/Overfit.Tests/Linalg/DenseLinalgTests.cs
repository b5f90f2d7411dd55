using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Linalg;

/// <summary>The raw blocked kernels: factor/solve residuals across the unblocked/blocked boundary, both dtypes.</summary>
public sealed class DenseLinalgTests
{
    /// <summary>A random SPD matrix M·Mᵀ + n·I (well conditioned), row-major.</summary>
    internal static double[] RandomSpd(int n, int seed)
    {
        var rng = new Random(seed);
        var m = new double[n * n];
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextDouble() * 2 - 1;
        var a = new double[n * n];
        Gemm.Multiply(false, true, n, n, n, 1.0, m, n, m, n, 0.0, a, n);
        for (int i = 0; i < n; i++) a[i * n + i] += n;
        return a;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(250)]
    [InlineData(383)]
    public void CholeskyReconstructsTheMatrix(int n)
    {
        var a = RandomSpd(n, n + 1);
        var l = (double[])a.Clone();
        // Poison the strict upper triangle: the factorization must read only the lower one.
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) l[i * n + j] = double.NaN;
        DenseLinalg.Cholesky(l, n);
        var llt = new double[n * n];
        Gemm.Multiply(false, true, n, n, n, 1.0, l, n, l, n, 0.0, llt, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (j > i) Assert.Equal(0.0, l[i * n + j]);
                Assert.True(Math.Abs(llt[i * n + j] - a[i * n + j]) <= 1e-12 * n, $"L·Lᵀ differs from A at ({i},{j}) for n={n}");
            }
        var f = Array.ConvertAll(a, x => (float)x);
        DenseLinalg.Cholesky(f, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                Assert.True(Math.Abs(f[i * n + j] - l[i * n + j]) <= 1e-4 * Math.Sqrt(n), $"float32 factor differs at ({i},{j}) for n={n}");
    }

    [Theory]
    [InlineData(6, 4)]
    [InlineData(300, 0)]
    [InlineData(300, 150)]
    [InlineData(300, 299)]
    [InlineData(383, 191)]
    public void NonPositivePivotIsReportedByIndex(int n, int bad)
    {
        var a = RandomSpd(n, 3);
        // Decouple row/column `bad` and give it a negative diagonal: that pivot is exactly −1, all earlier ones are fine.
        for (int i = 0; i < n; i++) a[i * n + bad] = a[bad * n + i] = 0;
        a[bad * n + bad] = -1;
        Assert.False(DenseLinalg.TryCholesky((double[])a.Clone(), n, out int pivot));
        Assert.Equal(bad, pivot);
        var ex = Assert.Throws<NotPositiveDefiniteException>(() => DenseLinalg.Cholesky(a, n));
        Assert.Equal(bad, ex.Pivot);
        Assert.Contains($"pivot {bad}", ex.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(64, 1)]
    [InlineData(65, 70)]
    [InlineData(200, 9)]
    public void TriangularSolvesAllFourFormsLeaveSmallResiduals(int n, int nrhs)
    {
        var rng = new Random(n * 31 + nrhs);
        foreach (bool lower in new[] { true, false })
            foreach (bool transpose in new[] { false, true })
            {
                var t = new double[n * n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                    {
                        bool inside = lower ? j <= i : j >= i;
                        t[i * n + j] = !inside ? double.NaN : i == j ? 2 + rng.NextDouble() : (rng.NextDouble() * 2 - 1) / Math.Sqrt(n);
                    }
                var b = new double[n * nrhs];
                for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() * 2 - 1;
                var x = (double[])b.Clone();
                DenseLinalg.SolveTriangularInPlace(t, n, x, nrhs, lower, transpose);
                var clean = Array.ConvertAll(t, v => double.IsNaN(v) ? 0 : v);
                var r = (double[])b.Clone();
                Gemm.Multiply(transpose, false, n, nrhs, n, 1.0, clean, n, x, nrhs, -1.0, r, nrhs);
                foreach (double e in r) Assert.True(Math.Abs(e) < 1e-12, $"residual {e} for lower={lower} transpose={transpose} n={n}");
                var xf = Array.ConvertAll(b, v => (float)v);
                DenseLinalg.SolveTriangularInPlace(Array.ConvertAll(t, v => (float)v), n, xf, nrhs, lower, transpose);
                for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(xf[i] - x[i]) < 1e-4, $"float32 solve differs at {i}");
            }
        if (n == 7)
        {
            var l = RandomSpd(n, 5);
            DenseLinalg.Cholesky(l, n);
            var b = new double[n];
            b[2] = 1;
            var viaLower = (double[])b.Clone();
            DenseLinalg.SolveLowerInPlace(l, n, viaLower, 1, transpose: true);
            var viaGeneral = (double[])b.Clone();
            DenseLinalg.SolveTriangularInPlace(l, n, viaGeneral, 1, lower: true, transpose: true);
            Assert.Equal(viaGeneral, viaLower);
        }
    }

    [Fact]
    public void CholeskySolveAndLogDetAgreeWithTheFactor()
    {
        int n = 150;
        var a = RandomSpd(n, 11);
        var l = (double[])a.Clone();
        DenseLinalg.Cholesky(l, n);
        var rhs = new double[n * 2];
        for (int i = 0; i < rhs.Length; i++) rhs[i] = Math.Sin(i);
        var x = (double[])rhs.Clone();
        DenseLinalg.CholeskySolveInPlace(l, n, x, 2);
        var r = (double[])rhs.Clone();
        Gemm.Multiply(false, false, n, 2, n, 1.0, a, n, x, 2, -1.0, r, 2);
        foreach (double e in r) Assert.True(Math.Abs(e) < 1e-10);
        // log det from the eigenvalues of A must agree with 2 Σ log L_ii.
        var values = new double[n];
        DenseLinalg.SymmetricEigen(a, n, values, new double[n * n]);
        double expected = values.Sum(Math.Log);
        Assert.Equal(expected, DenseLinalg.LogDetFromCholesky(l, n), 1e-9);
    }

    [Fact]
    public void BadSizesNameTheArgument()
    {
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => DenseLinalg.Cholesky(new double[5], 2)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => DenseLinalg.SolveLowerInPlace(new double[4], 2, new double[3], 2)).ParamName);
        Assert.Equal("l", Assert.Throws<ArgumentException>(() => DenseLinalg.SolveLowerInPlace(new double[3], 2, new double[4], 2)).ParamName);
    }
}
