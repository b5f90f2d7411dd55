using System.Diagnostics;
using System.Globalization;
using Overfit.LinearModels;
using Overfit.LinearModels.Internal;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

/// <summary>
/// `linear --breakdown [--n N] [--p P] [--reps R] [--threads T] [--dump FILE]`: where the time of the slow linear cases goes, as the minimum of many
/// warm calls (milliseconds) per stage — input checks, the Gram product XᵀX (symmetric rank-k, one and two threads, and
/// as a full GEMM for scale), the fused statistics pass, the coordinate-descent path on a prepared problem — plus the
/// sweep counts of the two paths.
/// </summary>
internal static class LinearBreakdown
{
    public static int Run(BenchOptions o, int n, int p, double[,] x, double[] y)
    {
        int reps = o.Int("--reps", 30, min: 1);
        Gemm.MaxThreads = o.Int("--threads", Gemm.MaxThreads, min: 1);
        var view = DenseInput.Matrix(x, "x");
        var flat = view.Span.ToArray();
        var g = new double[p * p];
        int saved = Gemm.MaxThreads;
        var spd = CenteredGram.Build(view.Span, n, p, y, center: true).Gram;
        for (int i = 0; i < p; i++) spd[i * p + i] += 1.0;

        var stages = new List<(string, Action)>
        {
            ("check finite X, y", () => DenseInput.CheckXy(view, y)),
            ("XtX syrk 1 thread", () => { Gemm.MaxThreads = 1; Gemm.SymmetricRankK(true, p, n, 1.0, flat, p, 0.0, g, p, fillUpper: true); Gemm.MaxThreads = saved; }),
            ("XtX syrk 2 threads", () => Gemm.SymmetricRankK(true, p, n, 1.0, flat, p, 0.0, g, p, fillUpper: true)),
            ("XtX gemm 2 threads", () => Gemm.Multiply(true, false, p, p, n, 1.0, flat, p, flat, p, 0.0, g, p)),
            ("row statistics pass", () => RowStatistics.Accumulate(view.Span, n, p, y, 0.5, true, new double[p], new double[p], new double[p])),
            ("cholesky + solve p×p", () =>
            {
                var a = (double[])spd.Clone();
                DenseLinalg.TryCholesky(a, p, out _);
                DenseLinalg.CholeskySolveInPlace(a, p, new double[p], 1);
            }),
            ("gram build, no centering", () => CenteredGram.Build(view.Span, n, p, y, center: false)),
            ("gram build, centering", () => CenteredGram.Build(view.Span, n, p, y, center: true)),
            ("problem build (path)", () => PenalizedProblem.Build(view, y, center: false, precompute: null)),
        };
        var plain = PenalizedProblem.Build(view, y, center: false, precompute: null);
        var grid1 = PenalizedProblem.AlphaGrid(plain.Xty, n, 1.0, 100, 1e-3);
        var grid5 = PenalizedProblem.AlphaGrid(plain.Xty, n, 0.5, 100, 1e-3);
        stages.Add(("lasso path CD only", () => ElasticNetPath.Run(plain, grid1, 1.0, 1000, 1e-4, false)));
        stages.Add(("enet path CD only", () => ElasticNetPath.Run(plain, grid5, 0.5, 1000, 1e-4, false)));
        stages.Add(("lasso_path_100 total", () => LassoPath.Compute(x, y, nAlphas: 100, eps: 1e-3)));
        stages.Add(("enet_path_100 total", () => ElasticNetPath.Compute(x, y, l1Ratio: 0.5, nAlphas: 100, eps: 1e-3)));
        stages.Add(("ridge_cholesky total", () => new Ridge(1.0, solver: RidgeSolver.Cholesky).Fit(x, y)));
        stages.Add(("lasso_alpha0.1 total", () => new Lasso(0.1).Fit(x, y)));

        foreach (var (_, f) in stages) for (int w = 0; w < 40; w++) f();   // past tier-0 and on-stack replacement
        var best = new double[stages.Count];
        Array.Fill(best, double.MaxValue);
        for (int r = 0; r < reps; r++)   // rounds interleave the stages so all see the same machine load
            for (int s = 0; s < stages.Count; s++)
            {
                var sw = Stopwatch.StartNew();
                stages[s].Item2();
                best[s] = Math.Min(best[s], sw.Elapsed.TotalMilliseconds);
            }
        for (int s = 0; s < stages.Count; s++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stages[s].Item1,-28} {best[s],8:0.000} ms"));

        var lasso = ElasticNetPath.Run(plain, grid1, 1.0, 1000, 1e-4, false);
        var enet = ElasticNetPath.Run(plain, grid5, 0.5, 1000, 1e-4, false);
        if (o.String("--dump") is { } dump)
        {
            // X (row-major) then y as raw little-endian doubles, and the sweeps per alpha, to compare with scikit-learn's
            // return_n_iter on the very same data.
            using (var f = File.Create(dump))
            {
                f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(view.Span));
                f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.AsSpan()));
            }
            Console.WriteLine($"lasso sweeps per alpha: {string.Join(",", lasso.Iterations)}");
            Console.WriteLine($"enet sweeps per alpha: {string.Join(",", enet.Iterations)}");
        }
        Console.WriteLine($"sweeps: lasso path {lasso.Iterations.Sum()}, enet path {enet.Iterations.Sum()}, Lasso(0.1) {new Lasso(0.1).Fit(x, y).Iterations}");
        return 0;
    }
}
