using System.Numerics;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// Gemm.RunTriangularRowsInPlace (A ← alpha·A·op(W) on a block of rows, W triangular; the blocked Cholesky's panel solve
/// without a copy of its rows) gives bit for bit what the out-of-place triangular product gives on a copy of the rows,
/// on one and two threads, for both triangles and transpositions, every width up to one slab, and leaves the columns
/// beside the block untouched.
/// </summary>
[Collection(GemmCollection.Name)]
public sealed class InPlaceRowProductTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void InPlaceMatchesTheProductOnACopyBitForBit(int threads)
    {
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = threads;
            var rng = new Random(41 + threads);
            foreach (var clip in new[] { TriangleClip.UpperB, TriangleClip.LowerB })
                foreach (bool trans in new[] { true, false })
                    foreach (var (rows, width) in new[] { (1, 1), (7, 5), (200, 64), (872, 128), (333, 200), (130, 256) })
                    {
                        Check<double>(rng, clip, trans, rows, width, alpha: 1.0);
                        Check<float>(rng, clip, trans, rows, width, alpha: -0.5f);
                    }
        }
        finally { Gemm.MaxThreads = saved; }
    }

    [Fact]
    public void RejectsATriangleOnTheLeftAndWidthsPastOneSlab()
    {
        var a = new double[300 * 300];
        var w = new double[300 * 300];
        var left = Assert.Throws<ArgumentException>(() => Gemm.RunTriangularRowsInPlace(TriangleClip.LowerA, false, 10, 10, 1.0, a, 300, w, 300));
        Assert.Contains("LowerA", left.Message);
        var wide = Assert.Throws<ArgumentException>(() => Gemm.RunTriangularRowsInPlace(TriangleClip.UpperB, true, 10, 300, 1.0, a, 300, w, 300));
        Assert.Contains("300", wide.Message);
    }

    private static void Check<T>(Random rng, TriangleClip clip, bool trans, int rows, int width, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The block sits inside wider rows (stride width + 9, starting at column 3), with sentinels around it.
        int lda = width + 9, c0 = 3;
        var a = new T[rows * lda];
        for (int i = 0; i < a.Length; i++) a[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        var tri = new T[width * width];
        for (int i = 0; i < width; i++)
            for (int j = 0; j < width; j++)
            {
                // The stored matrix op(W) is read from: lower (clip LowerB) or upper (UpperB) in op's orientation.
                bool lowerStored = (clip == TriangleClip.LowerB) != trans;
                bool inside = lowerStored ? j <= i : j >= i;
                bool band = !inside && Math.Abs(i - j) <= Gemm.TriangleBand;
                tri[i * width + j] = inside ? T.CreateTruncating(rng.NextDouble() * 2 - 1) : band ? T.Zero : T.NaN;
            }
        var copy = new T[rows * width];
        for (int r = 0; r < rows; r++) a.AsSpan(r * lda + c0, width).CopyTo(copy.AsSpan(r * width, width));
        var expected = (T[])a.Clone();
        Gemm.RunTriangular(clip, false, trans, rows, width, width, alpha, copy, width, tri, width, T.Zero, expected.AsSpan(c0), lda);
        Gemm.RunTriangularRowsInPlace(clip, trans, rows, width, alpha, a.AsSpan(c0), lda, tri, width);
        for (int i = 0; i < a.Length; i++)
            if (!a[i].Equals(expected[i]))
                Assert.Fail($"{typeof(T).Name} {clip} trans={trans} {rows}×{width}: element {i} (row {i / lda}, column {i % lda}) is {a[i]}, expected {expected[i]}");
    }
}
