using Overfit.GaussianProcesses;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>The blocked Cholesky (both variants) and the recursive inverse of <see cref="DenseLinalg"/> on GP kernel matrices, against plain routines and identities (Float64).</summary>
public class GpBlockedLinalgTests
{
    private static double[] KernelMatrix(int n)
    {
        var x = KernelContractTests.Points(n, 3);
        var k = new double[n * n];
        (new ConstantKernel(2.5) * new Matern([0.8, 1.1, 1.5], nu: 2.5) + new WhiteKernel(0.05)).EvaluateSymmetric(x, n, 3, k);
        return k;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(300)]
    public void BlockedCholeskyMatchesTheReferenceFactor(int n)
    {
        var k = KernelMatrix(n);
        var reference = (double[])k.Clone();
        Assert.True(DenseLinalg.FactorDiagonalBlock<double>(reference, n, 0, n, out _)); // the unblocked loop
        var l = (double[])k.Clone();
        var inverses = new double[DenseLinalg.DiagonalInverseLength(n)];
        Assert.True(DenseLinalg.TryCholeskySplit<double>(l, n, DenseLinalg.CholeskyBlockWidth(n), inverses, out int pivot));
        Assert.Equal(-1, pivot);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
                Assert.True(Math.Abs(l[i * n + j] - reference[i * n + j]) <= 1e-12 * Math.Sqrt(k[i * n + i] * k[j * n + j]) + 1e-13,
                    $"L[{i},{j}] = {l[i * n + j]}, reference {reference[i * n + j]}");
            for (int j = i + 1; j < n; j++) Assert.Equal(k[i * n + j], l[i * n + j]); // strict upper triangle untouched
        }
        // Each stored diagonal-block inverse times its block is the identity.
        int bw = DenseLinalg.CholeskyBlockWidth(n);
        for (int j0 = 0; j0 < n; j0 += bw)
        {
            int jb = Math.Min(bw, n - j0);
            for (int i = 0; i < jb; i++)
                for (int j = 0; j < jb; j++)
                {
                    double s = 0;
                    for (int t = 0; t < jb; t++) s += inverses[(j0 + i) * bw + t] * l[(j0 + t) * n + j0 + j] * (t <= i ? 1 : 0) * (j <= t ? 1 : 0);
                    Assert.True(Math.Abs(s - (i == j ? 1 : 0)) < 1e-10, $"block {j0}: (L⁻¹L)[{i},{j}] = {s}");
                }
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(60, 0)]
    [InlineData(128, 0)]
    [InlineData(257, 0)]
    [InlineData(301, 0)]
    [InlineData(600, 256)]
    [InlineData(300, 64)]
    [InlineData(1000, 0)]
    [InlineData(777, 96)]
    public void BlockedInverseMatchesSolvingAgainstTheIdentity(int n, int blockWidth)
    {
        var k = KernelMatrix(n);
        var l = (double[])k.Clone();
        int bw = blockWidth == 0 ? DenseLinalg.CholeskyBlockWidth(n) : blockWidth;
        var inverses = new double[n * bw];
        Assert.True(DenseLinalg.TryCholeskySplit<double>(l, n, bw, inverses, out _));
        var inv = new double[n * n];
        Array.Fill(inv, double.NaN); // every lower entry must be written
        DenseLinalg.InverseRecursive<double>(l, n, bw, inverses, inv);
        var reference = new double[n * n];
        var lRef = new double[n * n];
        Assert.Equal(0.0, GpLinalg.CholeskyWithJitter(k, n, lRef));
        for (int i = 0; i < n; i++) reference[i * n + i] = 1;
        DenseLinalg.CholeskySolveInPlace(lRef, n, reference, n); // K·X = I by triangular solves
        double scale = 0;
        foreach (double v in reference) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                Assert.True(Math.Abs(inv[i * n + j] - reference[i * n + j]) <= 1e-10 * scale, $"K⁻¹[{i},{j}] = {inv[i * n + j]}, reference {reference[i * n + j]}");
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(65, 0)]
    [InlineData(129, 0)]
    [InlineData(383, 0)]
    [InlineData(600, 256)]
    [InlineData(300, 64)]
    [InlineData(250, 96)]
    [InlineData(517, 24)]
    public void InverseTimesTheMatrixIsTheIdentity(int n, int blockWidth)
    {
        var k = KernelMatrix(n);
        var l = (double[])k.Clone();
        int bw = blockWidth == 0 ? DenseLinalg.CholeskyBlockWidth(n) : blockWidth;
        var inverses = new double[n * bw];
        Assert.True(DenseLinalg.TryCholeskySplit<double>(l, n, bw, inverses, out _));
        var inv = new double[n * n];
        Array.Fill(inv, double.NaN); // every lower entry must be written, and the strict upper one never read
        DenseLinalg.InverseFromCholeskyLower<double>(l, n, bw, inverses, inv);
        DenseLinalg.MirrorLower<double>(inv, n);
        var product = new double[n * n];
        Gemm.Multiply(false, false, n, n, n, 1.0, k, n, inv, n, 0.0, product, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                Assert.True(Math.Abs(product[i * n + j] - (i == j ? 1 : 0)) < 1e-9, $"(K·K⁻¹)[{i},{j}] = {product[i * n + j]}");
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(129, 0)]
    [InlineData(300, 0)]
    [InlineData(600, 256)]
    [InlineData(300, 64)]
    [InlineData(250, 96)]
    [InlineData(200, 24)]
    [InlineData(1000, 0)]
    [InlineData(777, 96)]
    public void ConcurrentCholeskyMatchesTheOneCoreFactor(int n, int blockWidth)
    {
        var k = KernelMatrix(n);
        int bw = blockWidth == 0 ? DenseLinalg.CholeskyBlockWidth(n) : blockWidth;
        var reference = (double[])k.Clone();
        var referenceInverses = new double[n * bw];
        Assert.True(DenseLinalg.TryCholeskySplit<double>(reference, n, bw, referenceInverses, out _));
        var l = (double[])k.Clone();
        var inverses = new double[n * bw];
        Assert.True(n > bw
            ? DenseLinalg.TryCholeskyConcurrent<double>(l, n, bw, inverses, out int pivot)
            : DenseLinalg.TryCholeskyBlocked<double>(l, n, bw, inverses, out pivot));
        Assert.Equal(-1, pivot);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
                Assert.True(Math.Abs(l[i * n + j] - reference[i * n + j]) <= 1e-12 * Math.Sqrt(k[i * n + i] * k[j * n + j]) + 1e-13,
                    $"L[{i},{j}] = {l[i * n + j]}, one-core {reference[i * n + j]}");
            for (int j = i + 1; j < n; j++) Assert.Equal(k[i * n + j], l[i * n + j]); // strict upper triangle untouched
        }
        for (int i = 0; i < inverses.Length; i++)
            Assert.True(Math.Abs(inverses[i] - referenceInverses[i]) <= 1e-9 * (1 + Math.Abs(referenceInverses[i])), $"diagonal inverses [{i}]");
    }

    [Theory]
    [InlineData(300, 64)]
    [InlineData(333, 96)]
    [InlineData(1000, 128)]
    public void ConcurrentCholeskyPiecesInTurnOnOneThreadGiveTheSameFactor(int n, int bw)
    {
        // Inside a job of a parallel region the two pieces of each block column run one after the other on one thread
        // (top first, so the bottom piece never waits on a piece that has not started); Float32 and Float64.
        var k = KernelMatrix(n);
        var reference = (double[])k.Clone();
        Assert.True(DenseLinalg.TryCholeskySplit<double>(reference, n, bw, new double[n * bw], out _));
        var l = (double[])k.Clone();
        bool ok = false;
        Gemm.Concurrently(() => ok = DenseLinalg.TryCholeskyConcurrent<double>(l, n, bw, new double[n * bw], out _), () => { });
        Assert.True(ok);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                Assert.True(Math.Abs(l[i * n + j] - reference[i * n + j]) <= 1e-12 * Math.Sqrt(k[i * n + i] * k[j * n + j]) + 1e-13, $"L[{i},{j}]");
        var k32 = Array.ConvertAll(k, v => (float)v);
        var reference32 = (float[])k32.Clone();
        Assert.True(DenseLinalg.TryCholeskySplit<float>(reference32, n, bw, new float[n * bw], out _));
        var l32 = (float[])k32.Clone();
        Assert.True(DenseLinalg.TryCholeskyConcurrent<float>(l32, n, bw, new float[n * bw], out _));
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                Assert.True(Math.Abs(l32[i * n + j] - reference32[i * n + j]) <= 2e-5f * MathF.Sqrt(k32[i * n + i] * k32[j * n + j]), $"Float32 L[{i},{j}]");
    }

    [Theory]
    [InlineData(872, 128, 128)]
    [InlineData(104, 128, 104)]
    [InlineData(5, 24, 5)]
    [InlineData(200, 96, 96)]
    [InlineData(1744, 256, 256)]
    public void ConcurrentCholeskyCutBalancesTheTwoPieces(int rest, int width, int nextWidth)
    {
        int h = DenseLinalg.ConcurrentCholeskyCut(rest, width, nextWidth);
        Assert.InRange(h, nextWidth, rest);
        Assert.True(h == rest || (h - nextWidth) % 8 == 0, $"cut {h} is neither the end nor 8-aligned from {nextWidth}");
        // The top piece's modeled cost first exceeds the bottom's within one step of 8 rows of the cut.
        double Top(int r) => 1.1 * r * (double)r / 2 * width + 2.0 * Math.Pow(nextWidth, 3) + (r - nextWidth) * nextWidth * (double)nextWidth / 2;
        double Bottom(int r) => ((rest - r) * (double)r + 1.1 * (rest - r) * (double)(rest - r) / 2) * width + (rest - r) * nextWidth * (double)nextWidth / 2;
        if (h < rest && h > nextWidth) Assert.True(Top(h - 8) <= Bottom(h - 8) && Top(Math.Min(rest, h + 8)) >= Bottom(Math.Min(rest, h + 8)), $"cut {h}");
    }

    [Theory]
    [InlineData(200)]
    [InlineData(260)]
    public void ConcurrentCholeskyReportsTheFailingPivot(int failingRow)
    {
        // Row failingRow duplicates row 3 with a smaller diagonal: a clear negative pivot there, in a later block.
        int n = 300;
        var k = KernelMatrix(n);
        for (int j = 0; j < n; j++) { k[failingRow * n + j] = k[3 * n + j]; k[j * n + failingRow] = k[j * n + 3]; }
        k[failingRow * n + 3] = k[3 * n + failingRow] = k[3 * n + 3];
        k[failingRow * n + failingRow] = 0.5 * k[3 * n + 3];
        Assert.False(DenseLinalg.TryCholeskyConcurrent<double>(k, n, 64, new double[n * 64], out int pivot));
        Assert.Equal(failingRow, pivot);
    }

    [Fact]
    public void BlockedCholeskyReportsTheFailingPivot()
    {
        // Positive definite except that row 200 duplicates row 3 exactly: the pivot of row 200 is (numerically) zero or negative.
        int n = 260;
        var k = KernelMatrix(n);
        for (int j = 0; j < n; j++) { k[200 * n + j] = k[3 * n + j]; k[j * n + 200] = k[j * n + 3]; }
        k[200 * n + 200] = k[3 * n + 3];
        k[200 * n + 3] = k[3 * n + 200] = k[3 * n + 3];
        // A clear negative eigenvalue: shrink the diagonal entry below the off-diagonal coupling.
        k[200 * n + 200] = 0.5 * k[3 * n + 3];
        var l = (double[])k.Clone();
        Assert.False(DenseLinalg.TryCholeskySplit<double>(l, n, DenseLinalg.CholeskyBlockWidth(n), new double[DenseLinalg.DiagonalInverseLength(n)], out int pivot));
        Assert.Equal(200, pivot);
    }

    [Fact]
    public void WeightsAreHalfOfAlphaAlphaTransposedMinusTheInverse()
    {
        int n = 70;
        var rng = new Overfit.Tensors.Generator(3);
        var lower = new double[n * n];
        var a = new double[n];
        for (int i = 0; i < n; i++) { a[i] = rng.NextNormal(); for (int j = 0; j <= i; j++) lower[i * n + j] = rng.NextNormal(); }
        var w = (double[])lower.Clone();
        GpLinalg.WeightsFromInverse(w, a, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double inv = i >= j ? lower[i * n + j] : lower[j * n + i];
                Assert.Equal(0.5 * (a[i] * a[j] - inv), w[i * n + j], 14);
            }
    }

    public static TheoryData<int, int> LowerTriangleCases() => new() { { 0, 7 }, { 0, 300 }, { 1, 300 }, { 2, 301 }, { 3, 300 }, { 4, 290 }, { 5, 300 }, { 6, 50 } };

    private static Kernel LowerTriangleKernel(int index) => index switch
    {
        0 => new ConstantKernel(3.0) * new Matern([0.8, 1.1, 1.5], nu: 2.5) + new WhiteKernel(0.05),
        1 => new Matern(0.7, nu: 0.5),
        2 => new Matern([0.8, 1.1, 1.5], nu: 1.5) * new ConstantKernel(0.4),
        3 => new RBF([0.5, 2.0, 1.0]) + new ConstantKernel(0.3),
        4 => new RationalQuadratic(0.9, 1.5) + new WhiteKernel(0.1),
        5 => new RBF(0.6) * new Matern(1.2, nu: 2.5),
        _ => new ConstantKernel(2.0) * new ConstantKernel(0.5),
    };

    [Theory]
    [MemberData(nameof(LowerTriangleCases))]
    public void LowerTriangleMatchesTheFullKernelMatrix(int kernelIndex, int n)
    {
        var x = KernelContractTests.Points(n, 3);
        var kernel = LowerTriangleKernel(kernelIndex);
        var full = new double[n * n];
        kernel.EvaluateSymmetric(x, n, 3, full);
        var lower = new double[n * n];
        Array.Fill(lower, double.NaN);
        kernel.EvaluateLowerTriangle(x, n, 3, lower);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                Assert.True(Math.Abs(lower[i * n + j] - full[i * n + j]) <= 1e-14 * Math.Max(1, Math.Abs(full[i * n + j])),
                    $"{kernel}: K[{i},{j}] = {lower[i * n + j]}, full matrix {full[i * n + j]}");
    }
}
