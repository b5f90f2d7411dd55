using System.Diagnostics;
using System.Globalization;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `gemm --linalg`: times the recursive Cholesky (Float64 and Float32), the triangular solve and the
/// Cholesky-based inverse (the GEMM's main in-library users) next to an n×n×n DGEMM in the same window, with 1 and
/// 2 threads, in GFLOPS (n³/3 for Cholesky, n³ for a solve with n right-hand sides and for the inverse, 2n³ for GEMM).
/// Printed instead of the GEMM cases.
/// </summary>
internal static class GemmLinalgTiming
{
    public static int Run(bool json)
    {
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
                foreach (int n in new[] { 500, 1000, 2000 })
                {
                    Gemm.MaxThreads = threads;
                    RunCase(n, threads, json);
                }
        }
        finally { Gemm.MaxThreads = saved; }
        return 0;
    }

    private static void RunCase(int n, int threads, bool json)
    {
        var rng = new Random(n);
        var m = new double[n * n];
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextDouble() - 0.5;
        var a = new double[n * n];
        Gemm.Multiply(false, true, n, n, n, 1.0, m, n, m, n, 0.0, a, n);
        for (int i = 0; i < n; i++) a[i * n + i] += n;
        var work = new double[n * n];
        double chol = Best(() => { a.CopyTo(work, 0); DenseLinalg.Cholesky(work, n); });
        var l = (double[])work.Clone();
        var a32 = Array.ConvertAll(a, v => (float)v);
        var work32 = new float[n * n];
        double chol32 = Best(() => { a32.CopyTo(work32, 0); DenseLinalg.Cholesky(work32, n); });
        var rhs = new double[n * n];
        double solve = Best(() => { m.CopyTo(rhs, 0); DenseLinalg.SolveLowerInPlace(l, n, rhs, n); });
        double inverse = Best(() => DenseLinalg.InverseFromCholesky(l, n, rhs));
        double gemm = Best(() => Gemm.Multiply(false, false, n, n, n, 1.0, m, n, a, n, 0.0, rhs, n));
        double n3 = n * (double)n * n;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(json
            ? string.Create(inv, $"{{\"bench\":\"linalg\",\"n\":{n},\"threads\":{threads},\"cholesky64_ms\":{chol * 1e3:F2},\"cholesky64_gflops\":{n3 / 3 / chol / 1e9:F2},\"cholesky32_ms\":{chol32 * 1e3:F2},\"cholesky32_gflops\":{n3 / 3 / chol32 / 1e9:F2},\"trsm64_ms\":{solve * 1e3:F2},\"trsm64_gflops\":{n3 / solve / 1e9:F2},\"inverse64_ms\":{inverse * 1e3:F2},\"inverse64_gflops\":{n3 / inverse / 1e9:F2},\"dgemm_gflops\":{2 * n3 / gemm / 1e9:F2}}}")
            : string.Create(inv, $"n={n} threads={threads}: Cholesky f64 {chol * 1e3:F2} ms ({n3 / 3 / chol / 1e9:F1} GFLOPS), f32 {chol32 * 1e3:F2} ms ({n3 / 3 / chol32 / 1e9:F1}); trsm f64 ({n} rhs) {solve * 1e3:F2} ms ({n3 / solve / 1e9:F1}); inverse from Cholesky {inverse * 1e3:F2} ms ({n3 / inverse / 1e9:F1}); DGEMM {2 * n3 / gemm / 1e9:F1} GFLOPS"));
    }

    private static double Best(Action f)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalMilliseconds < 200) f();
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            f();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }
}
