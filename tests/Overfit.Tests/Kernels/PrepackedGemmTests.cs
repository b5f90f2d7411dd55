using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>
/// Gemm.MultiplyPrepackedA (one long left operand packed once by Gemm.PackRowPanels, each product reading a column
/// range of it) against Gemm.Multiply on the unpacked columns, for every micro-kernel width, edge row counts, column
/// offsets that cross the depth blocking, padded strides, alpha/beta; C's padding must stay untouched.
/// </summary>
[Collection(GemmCollection.Name)]
public sealed class PrepackedGemmTests
{
    public static TheoryData<string> Kernels => new() { "Auto", "Vector256", "Vector128", "Scalar" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ColumnRangesOfAPackedOperandMatchMultiply(string kernel)
    {
        var rng = new Random(17);
        using var _ = GemmTestScope.Force(Enum.Parse<GemmKernel>(kernel));
        int[][] shapes = [[1, 1, 1], [5, 3, 7], [6, 16, 40], [7, 17, 300], [128, 64, 600], [131, 33, 513], [13, 2100, 9]];
        foreach (var s in shapes)
        foreach (bool transA in new[] { false, true })
        {
            // Stored A is m×packedK, or packedK×m when transposed; either way op(A) is m×packedK.
            int m = s[0], n = s[1], packedK = s[2], lda = (transA ? m : packedK) + 3;
            var a = Random(rng, (transA ? packedK : m) * lda);
            var packed = new double[Gemm.PackedRowPanelsLength(m, packedK)];
            Array.Fill(packed, double.NaN); // the packing must write every value the products read
            Gemm.PackRowPanels(transA, a, lda, m, packedK, packed);
            foreach (int k0 in new[] { 0, 1, packedK / 3, packedK - 1, packedK })
            {
                int k = packedK - k0, ldb = n + 2, ldc = n + 1;
                double alpha = rng.NextDouble() * 4 - 2, beta = k0 % 2 == 0 ? 0 : rng.NextDouble() - 0.5;
                var b = Random(rng, Math.Max(1, k * ldb));
                var c = Random(rng, m * ldc);
                var expected = (double[])c.Clone();
                if (beta == 0) Array.Fill(c, double.NaN); // beta zero: C is only written
                Gemm.Multiply(transA, false, m, n, k, alpha, a.AsSpan(transA ? k0 * lda : k0), lda, b, ldb, beta, expected, ldc);
                Gemm.MultiplyPrepackedA(m, n, k, alpha, packed, packedK, k0, b, ldb, beta, c, ldc);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < ldc; j++)
                    {
                        double e = expected[i * ldc + j], got = c[i * ldc + j];
                        if (j >= n) { Assert.True(beta == 0 ? double.IsNaN(got) : got == e, $"padding C[{i},{j}] changed"); continue; }
                        Assert.True(Math.Abs(got - e) <= 1e-12 * (k + 1) * (1 + Math.Abs(e)), $"{kernel} transA={transA} m={m} n={n} k0={k0} C[{i},{j}] = {got}, Multiply {e}");
                    }
            }
        }
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var packed = new double[Gemm.PackedRowPanelsLength(6, 10)];
        var b = new double[100];
        var c = new double[100];
        var e = Assert.Throws<ArgumentException>(() => Gemm.MultiplyPrepackedA(6, 4, 8, 1, packed, 10, 3, b, 4, 0, c, 4));
        Assert.Contains("k0 + k <= packedK", e.Message);
        var p = Assert.Throws<ArgumentException>(() => Gemm.PackRowPanels(false, new double[60], 10, 6, 10, new double[10]));
        Assert.Equal("packed", p.ParamName);
    }

    private static double[] Random(Random rng, int length)
    {
        var v = new double[length];
        for (int i = 0; i < length; i++) v[i] = rng.NextDouble() * 2 - 1;
        return v;
    }
}
