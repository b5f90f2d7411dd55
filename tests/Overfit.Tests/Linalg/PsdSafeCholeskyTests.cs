using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Linalg;

/// <summary>The one jitter ladder (GPyTorch psd_safe_cholesky semantics).</summary>
public class PsdSafeCholeskyTests
{
    [Fact]
    public void PositiveDefiniteMatrixNeedsNoJitter()
    {
        double[] a = [4, 2, 2, 3];
        var l = new double[4];
        Assert.Equal(0.0, DenseLinalg.PsdSafeCholesky(a, 2, l));
        Assert.Equal(2.0, l[0], 15);
        Assert.Equal(1.0, l[2], 15);
        Assert.Equal(Math.Sqrt(2), l[3], 15);
    }

    [Fact]
    public void SlightlyIndefiniteMatrixGetsTheSmallestSufficientJitterOfTheLadder()
    {
        // Eigenvalues 2 + 1e-12 and -1e-12: the plain factorization fails, the first step (1e-8·mean(diag)) suffices.
        double off = 1 + 1e-12;
        double[] a = [1, off, off, 1];
        var l = new double[4];
        double jitter = DenseLinalg.PsdSafeCholesky(a, 2, l);
        Assert.Equal(DenseLinalg.JitterAt(1, 1.0), jitter);
        Assert.Equal(1e-8, jitter, 1e-22);
        // L·Lᵀ reproduces A + jitter·I.
        Assert.Equal(1 + jitter, l[0] * l[0], 14);
        Assert.Equal(off, l[2] * l[0], 14);
        Assert.Equal(1 + jitter, l[2] * l[2] + l[3] * l[3], 14);
    }

    [Fact]
    public void IndefiniteMatrixThrowsNamingSizeAndLastJitter()
    {
        double[] a = [1, 2, 2, 1];
        var e = Assert.Throws<NotPositiveDefiniteException>(() => DenseLinalg.PsdSafeCholesky(a, 2, new double[4]));
        Assert.Equal(2, e.Size);
        Assert.Equal(1e-4, e.LastJitter, 1e-18);
        Assert.Contains("2×2", e.Message);
        Assert.Contains("0.0001", e.Message);
        Assert.True(double.IsNaN(DenseLinalg.TryPsdSafeCholesky(a, 2, new double[4])));
    }

    [Fact]
    public void RejectsAWrongSize()
    {
        var e = Assert.Throws<ArgumentException>(() => DenseLinalg.PsdSafeCholesky(new double[5], 2, new double[4]));
        Assert.Equal("a", e.ParamName);
    }
}
