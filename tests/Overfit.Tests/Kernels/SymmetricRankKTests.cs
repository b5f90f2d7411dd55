using System.Numerics;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// Gemm.SymmetricRankK against Gemm.Reference (AᵀA or A·Aᵀ as a general product) for every micro-kernel width, both
/// orientations, padded leading dimensions, edge strips, alpha/beta, with and without the mirrored upper triangle,
/// and the multi-threaded path. Without mirroring the strictly upper triangle and C's padding must stay untouched.
/// </summary>
[Collection(GemmCollection.Name)]
public sealed class SymmetricRankKTests
{
    public static TheoryData<string> Kernels => new() { "Auto", "Vector256", "Vector128", "Scalar" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void RandomShapesMatchReference(string kernel)
    {
        var rng = new Random(11);
        var kind = Enum.Parse<GemmKernel>(kernel);
        for (int trial = 0; trial < 40; trial++)
        {
            int n = rng.Next(0, 90), k = rng.Next(0, 70);
            bool ta = rng.Next(2) == 1, fill = rng.Next(2) == 1;
            double alpha = trial % 5 == 0 ? 1 : rng.NextDouble() * 4 - 2;
            double beta = (trial % 3) switch { 0 => 0, 1 => 1, _ => rng.NextDouble() * 2 - 1 };
            Compare<float>(rng, ta, n, k, alpha, beta, pad: trial % 2, fill, kernel: kind);
            Compare<double>(rng, ta, n, k, alpha, beta, pad: trial % 2, fill, kernel: kind);
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void EdgeShapesMatchReference(string kernel)
    {
        var rng = new Random(5);
        var kind = Enum.Parse<GemmKernel>(kernel);
        int[][] shapes = [[1, 1], [1, 300], [5, 0], [0, 4], [6, 1], [16, 3], [31, 2], [32, 9], [33, 17], [64, 257], [65, 5], [97, 385]];
        foreach (var s in shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool fill in new[] { false, true })
                {
                    Compare<float>(rng, ta, s[0], s[1], 1.5, 0.5, pad: 3, fill, kernel: kind);
                    Compare<double>(rng, ta, s[0], s[1], -0.75, 0, pad: 0, fill, kernel: kind);
                }
    }

    [Fact]
    public void LargeProductsOnSeveralThreadsMatchReference()
    {
        var rng = new Random(9);
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 4;
            Compare<double>(rng, true, 203, 600, 1, 0, pad: 1, fill: true);
            Compare<double>(rng, false, 150, 700, 0.5, -1, pad: 0, fill: false);
            Compare<float>(rng, true, 130, 520, 2, 0.25, pad: 2, fill: false);
        }
        finally { Gemm.MaxThreads = saved; }
    }

    /// <summary>Tall products (k ≥ 4n, above the parallel threshold) split the depth among the threads and add the partial triangles.</summary>
    [Fact]
    public void TallProductsSplitOverTheDepthMatchReference()
    {
        var rng = new Random(21);
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Gemm.MaxThreads = threads;
                Compare<double>(rng, true, 64, 2101, 1, 0, pad: 0, fill: true);
                Compare<double>(rng, true, 37, 8000, -0.5, 0.75, pad: 3, fill: false);
                Compare<double>(rng, false, 50, 6001, 2, -1, pad: 1, fill: false);
                Compare<double>(rng, false, 19, 25000, 1, 0, pad: 0, fill: true);
                Compare<float>(rng, true, 45, 7000, 1.5, 0.25, pad: 2, fill: true);
            }
        }
        finally { Gemm.MaxThreads = saved; }
    }

    /// <summary>
    /// The Gram matrix of the augmented [A | 1 | v] (column sums and Aᵀv from the same packing pass) against the plain
    /// product of the explicitly built augmented matrix, on several shapes (panel edges, padded rows) and thread counts.
    /// </summary>
    [Fact]
    public void AugmentedGramMatchesTheProductOfTheAugmentedMatrix()
    {
        var rng = new Random(33);
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Gemm.MaxThreads = threads;
                foreach (var (k, n, pad) in new[] { (1, 1, 0), (9, 3, 2), (50, 14, 0), (50, 15, 1), (300, 30, 0), (3001, 46, 3), (20000, 13, 0), (40001, 13, 1), (2600, 200, 0) })
                {
                    var a = GemmCheck.Fill(rng, k * (n + pad));
                    var v = GemmCheck.Fill(rng, k);
                    int m = n + 2;
                    var c = new double[m * m];
                    Array.Fill(c, double.NaN);
                    if (!Gemm.TryAugmentedGram(a, k, n, n + pad, v, c))
                    {
                        Assert.NotEqual(GemmKernel.Vector512, Gemm.SelectKernel());
                        return;
                    }
                    var b = new double[k * m];
                    for (int q = 0; q < k; q++)
                    {
                        for (int j = 0; j < n; j++) b[q * m + j] = a[q * (n + pad) + j];
                        b[q * m + n] = 1;
                        b[q * m + n + 1] = v[q];
                    }
                    var expected = new double[m * m];
                    Gemm.Reference(true, false, m, m, k, 1.0, b, m, b, m, 0.0, expected, m);
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j <= i; j++)
                            Assert.True(Math.Abs(c[i * m + j] - expected[i * m + j]) <= 1e-13 * (k + 1),
                                $"C[{i},{j}] = {c[i * m + j]}, expected {expected[i * m + j]} (k={k} n={n} threads={threads})");
                }
            }
        }
        finally { Gemm.MaxThreads = saved; }
    }

    [Fact]
    public void ZeroBetaIgnoresNaNInLowerTriangle()
    {
        var a = new double[] { 1, 2, 3, 4, 5, 6 };   // 3×2, A·Aᵀ is 3×3
        var c = new double[9];
        Array.Fill(c, double.NaN);
        Gemm.SymmetricRankK(false, 3, 2, 1.0, a, 2, 0.0, c, 3, fillUpper: true);
        Assert.Equal(new double[] { 5, 11, 17, 11, 25, 39, 17, 39, 61 }, c);
    }

    [Fact]
    public void BadArgumentsNameTheOperand()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.SymmetricRankK(true, 4, 3, 1.0, new double[11], 4, 0.0, new double[16], 4));
        Assert.Equal("a", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => Gemm.SymmetricRankK(true, 4, 3, 1.0, new double[12], 4, 0.0, new double[16], 3));
        Assert.Equal("c", ex.ParamName);
        Assert.Throws<ArgumentException>(() => Gemm.SymmetricRankK(true, -1, 3, 1.0f, new float[12], 4, 0.0f, new float[16], 4));
    }

    private static void Compare<T>(Random rng, bool ta, int n, int k, double alpha, double beta, int pad, bool fill,
        GemmKernel kernel = GemmKernel.Auto) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int aRows = ta ? k : n, aCols = ta ? n : k;
        int lda = aCols + pad, ldc = n + pad;
        var a = GemmCheck.Fill(rng, aRows * lda);
        var c = GemmCheck.Fill(rng, n * ldc);
        var expected = (double[])c.Clone();
        Gemm.Reference(ta, !ta, n, n, k, alpha, a, lda, a, lda, beta, expected, ldc);
        var ct = GemmCheck.Cast<T>(c);
        if (kernel != GemmKernel.Auto)
            Gemm.RunSymmetricWith(kernel, ta, n, k, T.CreateChecked(alpha), GemmCheck.Cast<T>(a), lda, T.CreateChecked(beta), ct, ldc, fill);
        else if (typeof(T) == typeof(float))
            Gemm.SymmetricRankK(ta, n, k, (float)alpha, (float[])(object)GemmCheck.Cast<T>(a), lda, (float)beta, (float[])(object)ct, ldc, fill);
        else
            Gemm.SymmetricRankK(ta, n, k, alpha, (double[])(object)GemmCheck.Cast<T>(a), lda, beta, (double[])(object)ct, ldc, fill);
        double eps = typeof(T) == typeof(float) ? 6e-8 : 1.2e-16;
        // Error bound of a k-term sum scales with Σ|a_qi·a_qj|, which on the diagonal (sums of squares) is ~k/3, not ~√k.
        var absA = Array.ConvertAll(a, Math.Abs);
        var magnitude = new double[n * ldc];
        Gemm.Reference(ta, !ta, n, n, k, 1.0, absA, lda, absA, lda, 0.0, magnitude, ldc);
        string what = $"transA={ta} n={n} k={k} alpha={alpha} beta={beta} fillUpper={fill} pad={pad} {typeof(T).Name}";
        for (int i = 0; i < n; i++)
            for (int j = 0; j < ldc; j++)
            {
                int at = i * ldc + j;
                double got = double.CreateChecked(ct[at]);
                double original = double.CreateChecked(T.CreateChecked(c[at]));
                if (j >= n || (j > i && !fill))
                {
                    Assert.True(got == original, $"C[{i},{j}] outside the computed part changed for {what}");
                    continue;
                }
                if (j > i)
                {
                    Assert.True(got == double.CreateChecked(ct[j * ldc + i]), $"C[{i},{j}] is not the mirror of C[{j},{i}] for {what}");
                    continue;
                }
                double tol = 8 * eps * ((k + 2) * Math.Abs(alpha) * Math.Max(1, magnitude[at]) + 2 * Math.Abs(beta) + 1);
                Assert.True(Math.Abs(got - expected[at]) <= tol, $"C[{i},{j}] = {got}, reference {expected[at]} (tol {tol}) for {what}");
            }
    }
}
