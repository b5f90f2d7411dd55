using System.Diagnostics;
using System.Globalization;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `gemm --linalg`: times the blocked Float64 Cholesky and triangular solve (the GEMM's main in-library users),
/// reported in GFLOPS (n³/3 for Cholesky, n²·nrhs for a solve). Printed instead of the GEMM cases.
/// </summary>
internal static class GemmLinalgTiming
{
    public static int Run(bool json)
    {
        foreach (int n in new[] { 256, 1000, 2000 })
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
            var rhs = new double[n * n];
            double solve = Best(() => { m.CopyTo(rhs, 0); DenseLinalg.SolveLowerInPlace(l, n, rhs, n); });
            double cholGflops = n * (double)n * n / 3 / chol / 1e9, solveGflops = n * (double)n * n / solve / 1e9;
            Console.WriteLine(json
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"bench\":\"linalg\",\"dtype\":\"float64\",\"n\":{n},\"cholesky_ms\":{chol * 1e3:F2},\"cholesky_gflops\":{cholGflops:F2},\"trsm_ms\":{solve * 1e3:F2},\"trsm_gflops\":{solveGflops:F2}}}")
                : string.Create(CultureInfo.InvariantCulture, $"float64 n={n}: Cholesky {chol * 1e3:F2} ms ({cholGflops:F1} GFLOPS), triangular solve with {n} right-hand sides {solve * 1e3:F2} ms ({solveGflops:F1} GFLOPS)"));
        }
        return 0;
    }

    private static double Best(Action f)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalMilliseconds < 300) f();
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
