using System.Globalization;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `gemm --syrk [--json]`: the Gram product AᵀA of a tall k×n matrix through Gemm.SymmetricRankK (lower triangle plus
/// mirror) against the same product as a full Gemm.Multiply, float32 and float64, 1 and 2 threads. Repetitions of the
/// two alternate so both see the same machine load; the best of 7 (each ~30 ms of calls) is reported.
/// </summary>
internal static class GemmSyrkTiming
{
    private static readonly (int N, int K)[] Sizes = [(200, 5000), (50, 1000), (512, 4096)];

    public static int Run(bool json)
    {
        foreach (var dtype in new[] { "float32", "float64" })
            foreach (var (n, k) in Sizes)
                foreach (int threads in new[] { 1, 2 })
                {
                    var (gemm, syrk) = dtype == "float32" ? TimeFloat(n, k, threads) : TimeDouble(n, k, threads);
                    string line = json
                        ? $"{{\"bench\":\"gemm_syrk\",\"dtype\":\"{dtype}\",\"n\":{n},\"k\":{k},\"threads\":{threads},\"gemm_ms\":{gemm * 1e3:F3},\"syrk_ms\":{syrk * 1e3:F3},\"ratio\":{syrk / gemm:F3}}}"
                        : $"{dtype} AᵀA n={n} k={k} threads={threads}: gemm {gemm * 1e3:F3} ms, syrk {syrk * 1e3:F3} ms, ratio {syrk / gemm:F3}";
                    Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
                }
        return 0;
    }

    private static (double, double) TimeFloat(int n, int k, int threads)
    {
        var rng = new Random(1);
        var a = new float[k * n]; var c = new float[n * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() - 0.5);
        return Measure(() => Gemm.Multiply(true, false, n, n, k, 1f, a, n, a, n, 0f, c, n),
            () => Gemm.SymmetricRankK(true, n, k, 1f, a, n, 0f, c, n, fillUpper: true), threads);
    }

    private static (double, double) TimeDouble(int n, int k, int threads)
    {
        var rng = new Random(1);
        var a = new double[k * n]; var c = new double[n * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() - 0.5;
        return Measure(() => Gemm.Multiply(true, false, n, n, k, 1.0, a, n, a, n, 0.0, c, n),
            () => Gemm.SymmetricRankK(true, n, k, 1.0, a, n, 0.0, c, n, fillUpper: true), threads);
    }

    private static (double Gemm, double Syrk) Measure(Action gemm, Action syrk, int threads)
    {
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = threads;
        try
        {
            int innerGemm = GemmBenchmark.Calibrate(gemm, 150, 30), innerSyrk = GemmBenchmark.Calibrate(syrk, 150, 30);
            double bestGemm = double.MaxValue, bestSyrk = double.MaxValue;
            for (int r = 0; r < 7; r++)
            {
                bestGemm = Math.Min(bestGemm, GemmBenchmark.TimeOne(gemm, innerGemm));
                bestSyrk = Math.Min(bestSyrk, GemmBenchmark.TimeOne(syrk, innerSyrk));
            }
            return (bestGemm, bestSyrk);
        }
        finally { Gemm.MaxThreads = saved; }
    }
}
