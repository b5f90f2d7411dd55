using System.Numerics;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// Gemm.RunTriangular (a product whose op(A) or op(B) is triangular, each tile clipped to the k its rows or columns can
/// reach) against Gemm.Reference on the same product with the other triangle set to exact zeros, for every clip, both
/// transpositions, every micro-kernel width, alpha/beta, and the multi-threaded split. The triangular operand holds zeros
/// only within Gemm.TriangleBand of the diagonal and NaN beyond, so a read outside the contract would show.
/// </summary>
[Collection(GemmCollection.Name)]
public sealed class TriangularGemmTests
{
    public static TheoryData<string> Kernels => new() { "Auto", "Vector256", "Vector128", "Scalar" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void RandomShapesMatchTheReference(string kernel)
    {
        var rng = new Random(17);
        var kind = Enum.Parse<GemmKernel>(kernel);
        var clips = new[] { TriangleClip.LowerA, TriangleClip.UpperA, TriangleClip.LowerB, TriangleClip.UpperB };
        for (int trial = 0; trial < 48; trial++)
        {
            var clip = clips[trial % 4];
            int size = rng.Next(0, 140), other = rng.Next(1, 120);
            bool trans = rng.Next(2) == 1, transOther = rng.Next(2) == 1;
            double alpha = trial % 5 == 0 ? 1 : rng.NextDouble() * 4 - 2;
            double beta = (trial % 3) switch { 0 => 0, 1 => 1, _ => rng.NextDouble() * 2 - 1 };
            Compare<double>(rng, clip, trans, transOther, size, other, alpha, beta, pad: trial % 3, kind);
            Compare<float>(rng, clip, trans, transOther, size, other, alpha, beta, pad: trial % 2, kind);
        }
    }

    [Fact]
    public void LargeProductsOnTwoThreadsMatchTheReference()
    {
        var rng = new Random(23);
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 2;
            Compare<double>(rng, TriangleClip.LowerA, false, false, 301, 260, 1, 0, pad: 1);
            Compare<double>(rng, TriangleClip.UpperA, true, false, 300, 257, -1, 1, pad: 0);
            Compare<double>(rng, TriangleClip.LowerB, false, true, 263, 300, 0.5, 0, pad: 2);
            Compare<double>(rng, TriangleClip.UpperB, true, false, 290, 310, 1, -0.5, pad: 0);
        }
        finally { Gemm.MaxThreads = saved; }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void StaleNaNInThePackingBuffersIsNeverRead(string kernel)
    {
        // A triangular operand packs only the depths its tiles read; the rest of each packed panel keeps whatever the
        // previous product left there. A product of NaN operands on this thread (below the threading threshold) fills
        // the packing buffers with NaN first, so a read of an unpacked depth would show in the result.
        var rng = new Random(29);
        var kind = Enum.Parse<GemmKernel>(kernel);
        var nan = new double[140 * 140];
        Array.Fill(nan, double.NaN);
        var sink = new double[140 * 140];
        foreach (var clip in new[] { TriangleClip.LowerA, TriangleClip.UpperA, TriangleClip.LowerB, TriangleClip.UpperB })
            foreach (bool trans in new[] { false, true })
            {
                Gemm.RunWith(kind, false, false, 100, 100, 100, 1.0, nan, 140, nan, 140, 0.0, sink, 140);
                Compare<double>(rng, clip, trans, !trans, 97, 61, 1, 0, pad: 1, kind);
            }
    }

    [Fact]
    public void AClipThatDoesNotFitTheShapeIsRejected()
    {
        var a = new double[12];
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.RunTriangular<double>(TriangleClip.LowerA, false, false, 3, 2, 4, 1.0, a, 4, a, 2, 0.0, a, 2));
        Assert.Contains("square", ex.Message);
        Assert.Throws<ArgumentException>(() => Gemm.RunTriangular<double>(TriangleClip.None, false, false, 2, 2, 2, 1.0, a, 2, a, 2, 0.0, a, 2));
    }

    /// <summary>
    /// op(W) is the size×size triangle (lower for LowerA/LowerB, upper for UpperA/UpperB), stored transposed when
    /// <paramref name="trans"/>; the other operand is general (size×other or other×size), stored transposed when
    /// <paramref name="transOther"/>.
    /// </summary>
    private static void Compare<T>(Random rng, TriangleClip clip, bool trans, bool transOther, int size, int other,
        double alpha, double beta, int pad, GemmKernel kernel = GemmKernel.Auto) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool onA = clip is TriangleClip.LowerA or TriangleClip.UpperA;
        bool opLower = clip is TriangleClip.LowerA or TriangleClip.LowerB;
        int m = onA ? size : other, n = onA ? other : size, k = size;
        bool ta = onA ? trans : transOther, tb = onA ? transOther : trans;
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        var a = GemmCheck.Fill(rng, Math.Max(1, aRows * lda));
        var b = GemmCheck.Fill(rng, Math.Max(1, bRows * ldb));
        var c = GemmCheck.Fill(rng, Math.Max(1, m * ldc));
        if (beta == 0) Array.Fill(c, double.NaN); // beta = 0 writes C without reading it
        var w = onA ? a : b;
        int ldw = onA ? lda : ldb;
        bool storedLower = opLower != trans;
        var dense = (double[])w.Clone(); // the reference operand: exact zeros in the whole other triangle
        for (int r = 0; r < size; r++)
            for (int col = 0; col < size; col++)
            {
                bool inside = storedLower ? col <= r : col >= r;
                if (inside) continue;
                dense[r * ldw + col] = 0;
                w[r * ldw + col] = Math.Abs(r - col) <= Gemm.TriangleBand ? 0 : double.NaN;
            }
        var expected = (double[])c.Clone();
        if (beta == 0) Array.Fill(expected, 0.0);
        Gemm.Reference(ta, tb, m, n, k, alpha, onA ? dense : a, lda, onA ? b : dense, ldb, beta, expected, ldc);
        var at = GemmCheck.Cast<T>(a); var bt = GemmCheck.Cast<T>(b); var ct = GemmCheck.Cast<T>(c);
        Gemm.RunWith(kernel, ta, tb, m, n, k, T.CreateChecked(alpha), at, lda, bt, ldb, T.CreateChecked(beta), ct, ldc, clip);
        double eps = typeof(T) == typeof(float) ? 6e-8 : 1.2e-16;
        double tol = 8 * eps * ((k + 2) * Math.Abs(alpha) + 2 * Math.Abs(beta) + 1);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double got = double.CreateChecked(ct[i * ldc + j]), want = expected[i * ldc + j];
                Assert.True(Math.Abs(got - want) <= tol,
                    $"C[{i},{j}] = {got}, reference {want} for {clip} trans={trans} transOther={transOther} size={size} other={other} alpha={alpha} beta={beta} {typeof(T).Name} {kernel}");
            }
    }
}
