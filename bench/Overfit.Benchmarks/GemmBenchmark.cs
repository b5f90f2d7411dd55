using System.Diagnostics;
using System.Globalization;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `gemm [--json] [--reps N] [--size MxNxK]... [--linalg] [--syrk]`: GFLOPS of Gemm.Multiply against the system OpenBLAS for
/// float32 and float64, with 1 and 2 threads. Each case is warmed up, then timed over several repetitions
/// (each repetition long enough to dwarf timer resolution); the best repetition is reported.
/// </summary>
internal static class GemmBenchmark
{
    private static readonly (int M, int N, int K)[] DefaultSizes = [(1024, 1024, 1024), (128, 784, 256), (512, 512, 512)];

    public static int Run(string[] args)
    {
        bool json = args.Contains("--json");
        if (args.Contains("--linalg")) return GemmLinalgTiming.Run(json);
        if (args.Contains("--syrk")) return GemmSyrkTiming.Run(json);
        int reps = 7;
        var sizes = new List<(int, int, int)>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json" or "--linalg" or "--syrk": break;
                case "--reps": reps = int.Parse(BenchOptions.Next(args, ref i), CultureInfo.InvariantCulture); break;
                case "--size":
                    string size = BenchOptions.Next(args, ref i);
                    var parts = size.Split('x');
                    if (parts.Length != 3 || !parts.All(q => int.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0))
                        throw new BenchOptionException($"--size expects MxNxK with three positive whole numbers, got '{size}'");
                    sizes.Add((int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture)));
                    break;
                default: throw new BenchOptionException($"unknown option '{args[i]}'; expected --json --reps N --size MxNxK --linalg --syrk");
            }
        }
        if (reps < 1) throw new BenchOptionException($"--reps expects a whole number >= 1, got {reps}");
        if (sizes.Count == 0) sizes.AddRange(DefaultSizes);
        var blas = OpenBlas.TryLoad();
        // The set-up line goes to stderr under --json so stdout stays one JSON object per line.
        {
            (json ? Console.Error : Console.Out).WriteLine($"OpenBLAS: {blas?.Path ?? "not found"}; OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}; kernel: {Gemm.SelectKernel()}");
        }
        foreach (var dtype in new[] { "float32", "float64" })
            foreach (var (m, n, k) in sizes)
                foreach (int threads in new[] { 1, 2 })
                {
                    var (ours, theirs) = dtype == "float32" ? TimeFloat(m, n, k, threads, reps, blas) : TimeDouble(m, n, k, threads, reps, blas);
                    double? ratio = theirs is double t && t > 0 ? ours / t : null;
                    if (json)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{{\"bench\":\"gemm\",\"dtype\":\"{dtype}\",\"m\":{m},\"n\":{n},\"k\":{k},\"threads\":{threads},\"overfit_gflops\":{ours:F2},\"openblas_gflops\":{Json(theirs, "F2")},\"ratio\":{Json(ratio, "F3")}}}"));
                    else
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{dtype} {m}x{n}x{k} threads={threads}: overfit {ours:F1} GFLOPS, openblas {(theirs is null ? "n/a" : theirs.Value.ToString("F1", CultureInfo.InvariantCulture))}, ratio {(ratio is null ? "n/a" : ratio.Value.ToString("F3", CultureInfo.InvariantCulture))}"));
                }
        return 0;
    }

    private static string Json(double? x, string format) => x is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "null";

    private static (double Ours, double? Theirs) TimeFloat(int m, int n, int k, int threads, int reps, OpenBlas? blas)
    {
        var rng = new Random(1);
        var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() - 0.5);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        return Measure(() => Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n),
            blas is null ? null : () => blas.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n), m, n, k, threads, reps, blas);
    }

    private static (double Ours, double? Theirs) TimeDouble(int m, int n, int k, int threads, int reps, OpenBlas? blas)
    {
        var rng = new Random(1);
        var a = new double[m * k]; var b = new double[k * n]; var c = new double[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() - 0.5;
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        return Measure(() => Gemm.Multiply(false, false, m, n, k, 1.0, a, k, b, n, 0.0, c, n),
            blas is null ? null : () => blas.Dgemm(false, false, m, n, k, 1.0, a, k, b, n, 0.0, c, n), m, n, k, threads, reps, blas);
    }

    /// <summary>
    /// Best GFLOPS of each implementation. Repetitions of the two alternate, so both see the same machine load;
    /// each repetition repeats the call until ~50 ms have passed.
    /// </summary>
    private static (double Ours, double? Theirs) Measure(Action ours, Action? theirs, int m, int n, int k, int threads, int reps, OpenBlas? blas)
    {
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = threads;
        blas?.SetThreads(threads);
        try
        {
            int innerOurs = Calibrate(ours), innerTheirs = theirs is null ? 0 : Calibrate(theirs);
            double bestOurs = double.MaxValue, bestTheirs = double.MaxValue;
            for (int r = 0; r < reps; r++)
            {
                bestOurs = Math.Min(bestOurs, TimeOne(ours, innerOurs));
                if (theirs is not null) bestTheirs = Math.Min(bestTheirs, TimeOne(theirs, innerTheirs));
            }
            double flop = 2.0 * m * n * k / 1e9;
            return (flop / bestOurs, theirs is null ? null : flop / bestTheirs);
        }
        finally { Gemm.MaxThreads = saved; }
    }

    /// <summary>
    /// Warms up for at least <paramref name="warmMs"/> (JIT tiers, thread pool, caches), then until the code is
    /// steady: 50 ms windows are timed until the JIT has compiled nothing for the last <see cref="JitQuietMs"/> and
    /// the last window was no more than 3% faster than the best before it (at most 6 s).
    /// A fixed warm-up is not enough: the JIT replaces large generic SIMD methods (TensorPrimitives' kernels, which
    /// ship without precompiled code for this instruction set) in the background, and under load that can land
    /// after any fixed delay, leaving a 1M-element float32 exp at 2-10x its steady time.
    /// Returns how many calls fill about <paramref name="repetitionMs"/>.
    /// </summary>
    internal static int Calibrate(Action call, double warmMs = 200, double repetitionMs = 50)
    {
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalMilliseconds < warmMs || calls < 3) { call(); calls++; }
        double perCall = sw.Elapsed.TotalMilliseconds / calls;
        double best = double.MaxValue, quietMs = 0;
        while (sw.Elapsed.TotalMilliseconds < 6000)
        {
            int inner = Math.Max(1, (int)(50 / perCall));
            long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            double start = sw.Elapsed.TotalMilliseconds;
            perCall = TimeOne(call, inner) * 1e3;
            quietMs = System.Runtime.JitInfo.GetCompiledMethodCount() == compiled ? quietMs + sw.Elapsed.TotalMilliseconds - start : 0;
            if (quietMs >= JitQuietMs && perCall > best * 0.97) break;
            best = Math.Min(best, perCall);
        }
        return Math.Max(1, (int)(repetitionMs / perCall));
    }

    /// <summary>
    /// How long the JIT must have compiled nothing before timing starts. The runtime promotes a method to its final
    /// code only after its calls have been counted, which starts 100 ms after the last method was first compiled; until
    /// then a method with a loop runs its first version, entering the optimized loop on the fly with its locals in
    /// the first version's stack frame. With one 50 ms quiet window, the two-thread Float32 GELU was now and then
    /// timed in that state, at 2-5 times its steady time.
    /// </summary>
    private const double JitQuietMs = 250;

    /// <summary>Seconds per call, averaged over <paramref name="inner"/> back-to-back calls.</summary>
    internal static double TimeOne(Action call, int inner)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < inner; i++) call();
        return sw.Elapsed.TotalSeconds / inner;
    }
}
