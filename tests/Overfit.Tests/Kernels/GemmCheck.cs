using System.Numerics;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.Kernels;

/// <summary>Tests that change Gemm's global settings (the thread cap) must not run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmCollection
{
    public const string Name = "Gemm global settings";
}

internal static class GemmCheck
{
    /// <summary>
    /// Runs one product through Gemm.Multiply and through Gemm.Reference (in Float64) on the same random operands
    /// (stored with `pad` extra columns per row) and compares with a tolerance scaled by k and the dtype's epsilon.
    /// Padding columns of C must stay untouched. A kernel other than Auto runs through the internal seam Gemm.RunWith.
    /// </summary>
    public static void Compare<T>(Random rng, bool ta, bool tb, int m, int n, int k, double alpha, double beta, int pad,
        GemmKernel kernel = GemmKernel.Auto) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        var a = Fill(rng, aRows * lda);
        var b = Fill(rng, bRows * ldb);
        var c = Fill(rng, m * ldc);
        var expected = (double[])c.Clone();
        Gemm.Reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        var at = Cast<T>(a); var bt = Cast<T>(b); var ct = Cast<T>(c);
        if (kernel != GemmKernel.Auto)
            Gemm.RunWith(kernel, ta, tb, m, n, k, T.CreateChecked(alpha), at, lda, bt, ldb, T.CreateChecked(beta), ct, ldc);
        else if (typeof(T) == typeof(float))
            Gemm.Multiply(ta, tb, m, n, k, (float)alpha, (float[])(object)at, lda, (float[])(object)bt, ldb, (float)beta, (float[])(object)ct, ldc);
        else
            Gemm.Multiply(ta, tb, m, n, k, alpha, (double[])(object)at, lda, (double[])(object)bt, ldb, beta, (double[])(object)ct, ldc);
        double eps = typeof(T) == typeof(float) ? 6e-8 : 1.2e-16;
        double tol = 8 * eps * ((k + 2) * Math.Abs(alpha) + 2 * Math.Abs(beta) + 1);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc; j++)
            {
                int at2 = i * ldc + j;
                double got = double.CreateChecked(ct[at2]);
                if (j >= n)
                {
                    Assert.True(got == double.CreateChecked(T.CreateChecked(c[at2])),
                        $"padding of C changed at ({i},{j}) for {Describe(ta, tb, m, n, k, alpha, beta)}");
                    continue;
                }
                double want = expected[at2];
                Assert.True(Math.Abs(got - want) <= tol,
                    $"C[{i},{j}] = {got}, reference {want} (tol {tol}) for {Describe(ta, tb, m, n, k, alpha, beta)} {typeof(T).Name}");
            }
    }

    private static string Describe(bool ta, bool tb, int m, int n, int k, double alpha, double beta)
        => $"transA={ta} transB={tb} m={m} n={n} k={k} alpha={alpha} beta={beta}";

    /// <summary>Values exactly representable in Float32, so both dtypes see the same operands.</summary>
    internal static double[] Fill(Random rng, int length)
    {
        var x = new double[length];
        for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    internal static T[] Cast<T>(double[] x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new T[x.Length];
        for (int i = 0; i < x.Length; i++) r[i] = T.CreateChecked(x[i]);
        return r;
    }
}
