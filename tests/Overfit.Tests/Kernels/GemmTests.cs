using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// Gemm.Multiply against the plain reference product for every micro-kernel width, both transposes, padded
/// leading dimensions, edge tiles, alpha/beta and the multi-threaded path.
/// </summary>
[Collection(GemmCollection.Name)]
public sealed class GemmTests
{
    public static TheoryData<string> Kernels => new() { "Auto", "Vector256", "Vector128", "Scalar" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void RandomShapesMatchReference(string kernel)
    {
        var rng = new Random(42);
        var kind = Enum.Parse<GemmKernel>(kernel);
        for (int trial = 0; trial < 60; trial++)
        {
            int m = rng.Next(0, 71), n = rng.Next(0, 71), k = rng.Next(0, 71);
            bool ta = rng.Next(2) == 1, tb = rng.Next(2) == 1;
            double alpha = trial % 5 == 0 ? 1 : rng.NextDouble() * 4 - 2;
            double beta = (trial % 3) switch { 0 => 0, 1 => 1, _ => rng.NextDouble() * 2 - 1 };
            GemmCheck.Compare<float>(rng, ta, tb, m, n, k, alpha, beta, pad: trial % 2, kernel: kind);
            GemmCheck.Compare<double>(rng, ta, tb, m, n, k, alpha, beta, pad: trial % 2, kernel: kind);
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void EdgeShapesMatchReference(string kernel)
    {
        var rng = new Random(7);
        var kind = Enum.Parse<GemmKernel>(kernel);
        int[][] shapes =
        [
            [1, 1, 1], [1, 37, 5], [37, 1, 5], [1, 1, 300], [5, 7, 0], [0, 4, 3], [4, 0, 3], [6, 32, 1], [7, 33, 2],
            [12, 64, 9], [13, 65, 17], [5, 31, 400], [97, 3, 385], [3, 97, 257], [100, 100, 1],
        ];
        foreach (var s in shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                {
                    GemmCheck.Compare<float>(rng, ta, tb, s[0], s[1], s[2], 1.5, 0.5, pad: 3, kernel: kind);
                    GemmCheck.Compare<double>(rng, ta, tb, s[0], s[1], s[2], -0.75, 0, pad: 0, kernel: kind);
                }
    }

    [Fact]
    public void LargeProductsUseAllThreadsAndMatchReference()
    {
        var rng = new Random(3);
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 4;
            // Wide (split over columns), tall (split over rows), and larger than one cache block in every dimension.
            GemmCheck.Compare<float>(rng, false, false, 150, 700, 420, 1, 0, pad: 0);
            GemmCheck.Compare<double>(rng, true, true, 700, 150, 300, 0.5, 2, pad: 1);
            GemmCheck.Compare<float>(rng, true, false, 400, 2100, 20, 1, 1, pad: 0);
            GemmCheck.Compare<double>(rng, false, true, 130, 2200, 270, 1, 0, pad: 2);
            Gemm.MaxThreads = 1;
            GemmCheck.Compare<double>(rng, false, false, 200, 300, 600, 1, 0, pad: 0);
        }
        finally { Gemm.MaxThreads = saved; }
    }

    [Fact]
    public void ZeroBetaIgnoresNaNInOutput()
    {
        foreach (var kernel in new[] { GemmKernel.Auto, GemmKernel.Scalar })
        {
            var a = new double[] { 1, 2, 3, 4, 5, 6 };          // 2×3
            var b = new double[] { 1, 0, 0, 1, 1, 1 };          // 3×2
            var c = new double[] { double.NaN, double.NaN, double.NaN, double.NaN };
            Gemm.RunWith<double>(kernel, false, false, 2, 2, 3, 1.0, a, 3, b, 2, 0.0, c, 2);
            Assert.Equal(new double[] { 4, 5, 10, 11 }, c);
            var cf = new float[] { float.NaN, float.PositiveInfinity, 1, 2 };
            Gemm.RunWith<float>(kernel, false, false, 2, 2, 0, 1f, ReadOnlySpan<float>.Empty, 1, ReadOnlySpan<float>.Empty, 2, 0f, cf, 2);
            Assert.Equal(new float[] { 0, 0, 0, 0 }, cf);
            // Matrix-vector shapes (one row or one column of C) take their own path.
            var row = new double[] { double.NaN, double.NaN };
            Gemm.RunWith<double>(kernel, false, false, 1, 2, 3, 1.0, a, 3, b, 2, 0.0, row, 2);
            Assert.Equal(new double[] { 4, 5 }, row);
            var column = new double[] { double.NaN, -7, double.NaN };   // ldc 2: the middle element is not part of C
            Gemm.RunWith<double>(kernel, false, true, 2, 1, 3, 2.0, a, 3, new double[] { 1, 1, 1 }, 3, 0.0, column, 2);
            Assert.Equal(new double[] { 12, -7, 30 }, column);
        }
    }

    [Fact]
    public void EmptyInnerDimensionScalesOutputByBeta()
    {
        var c = new double[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Multiply(false, true, 2, 3, 0, 2.0, ReadOnlySpan<double>.Empty, 1, ReadOnlySpan<double>.Empty, 1, 0.5, c, 3);
        Assert.Equal(new[] { 0.5, 1, 1.5, 2, 2.5, 3 }, c);
    }

    [Fact]
    public void NaNInInputsPropagates()
    {
        var a = new float[] { 1, float.NaN, 3, 4 };
        var b = new float[] { 1, 2, 3, 4 };
        var c = new float[4];
        Gemm.Multiply(false, false, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
        Assert.True(float.IsNaN(c[0]) && float.IsNaN(c[1]));
        Assert.Equal(new float[] { 15, 22 }, c[2..]);
    }

    [Fact]
    public void TooShortSpansAndBadStridesAreRejectedByName()
    {
        var a = new double[6]; var b = new double[6]; var c = new double[3];
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1.0, a, 3, b, 2, 0.0, c, 2));
        Assert.Equal("c", ex.ParamName);
        Assert.Contains("needs 4 elements", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1.0, a, 2, b, 2, 0.0, new double[4], 2));
        Assert.Equal("a", ex.ParamName);
        Assert.Contains("at least 3", ex.Message);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, -1, 2, 3, 1.0, a, 3, b, 2, 0.0, c, 2));
    }
}
