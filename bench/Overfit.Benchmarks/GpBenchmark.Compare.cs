using System.Diagnostics;
using System.Globalization;
using Overfit.GaussianProcesses;

namespace Overfit.Benchmarks;

public static partial class GpBenchmark
{
    /// <summary>
    /// `gp --compare REPS`: the concurrent inverse with L⁻¹'s shared operands packed once per block row vs repacked per
    /// column chunk, in one process and interleaved: the minimum over REPS warm calls of the inverse alone at the
    /// fitted hyperparameters, then REPS/5 fits of each kind (time, evaluations, fitted LML).
    /// </summary>
    private static void CompareInverse(GaussianProcessRegressor gp, double[,] x2, double[] y, int n, int d, int reps)
    {
        var x = new double[n * d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) x[i * d + c] = x2[i, c];
        var kernel = gp.FittedKernel!.Clone();
        var l = new double[n * n];
        kernel.EvaluateLowerTriangle(x, n, d, l);
        for (int i = 0; i < n; i++) l[i * n + i] += 1e-10;
        var inverses = new double[GpLinalg.DiagonalInverseLength(n)];
        GpLinalg.TryCholeskyBlockedConcurrent(l, n, inverses, out _);
        var inv = new double[n * n];
        var best = new double[8];
        Array.Fill(best, double.MaxValue);
        for (int r = 0; r < 8 * reps + 8; r++)
        {
            GpLinalg.PrepackedInverse = (r & 1) == 1;
            GpLinalg.PrepackedProduct = (r & 2) == 2;
            GpLinalg.FoldedRowInverse = (r & 4) == 4;
            var sw = Stopwatch.StartNew();
            GpLinalg.InverseFromBlockedCholeskyConcurrent(l, n, inverses, inv);
            if (r >= 8) best[r % 8] = Math.Min(best[r % 8], sw.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "inverse, packed once in L⁻¹ / in L⁻ᵀL⁻¹: no/no {0:0.00} ms, yes/no {1:0.00} ms, no/yes {2:0.00} ms, yes/yes {3:0.00} ms", best[0], best[1], best[2], best[3]));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "inverse, L⁻¹ rows folded (M_J = −L_JJ⁻¹·L_J,<J first), L⁻ᵀL⁻¹ packed once no/yes: {0:0.00} ms / {1:0.00} ms", best[4], best[6]));
        // Column-chunk widths of L⁻¹'s block rows and of L⁻ᵀL⁻¹'s block rows (packed once), interleaved.
        int[][] widths = [[64, 64], [96, 64], [128, 64], [64, 96], [96, 96], [128, 128]];
        var bestWidth = new double[widths.Length];
        Array.Fill(bestWidth, double.MaxValue);
        for (int r = 0; r < reps + 1; r++)
            for (int w = 0; w < widths.Length; w++)
            {
                var sw = Stopwatch.StartNew();
                GpLinalg.InverseFromBlockedCholeskyConcurrent(l, n, GpLinalg.BlockWidth(n), inverses, inv, productChunk: widths[w][1], rowChunk: widths[w][0]);
                if (r > 0) bestWidth[w] = Math.Min(bestWidth[w], sw.Elapsed.TotalMilliseconds);
            }
        for (int w = 0; w < widths.Length; w++)
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "inverse, chunks {0} (L⁻¹) and {1} (L⁻ᵀL⁻¹): {2:0.00} ms", widths[w][0], widths[w][1], bestWidth[w]));
        var fits = new[] { new List<string>(), new List<string>() };
        for (int r = 0; r < 2 * Math.Max(1, reps / 5); r++)
        {
            GpLinalg.FoldedRowInverse = r % 2 == 1;
            var sw = Stopwatch.StartNew();
            var fitted = new GaussianProcessRegressor(gp.Kernel, normalizeY: true).Fit(x2, y);
            fits[r % 2].Add(string.Format(CultureInfo.InvariantCulture, "{0:0} ({1}, {2:0.00000000})", sw.Elapsed.TotalMilliseconds, fitted.OptimizerResults[0].Evaluations, fitted.LogMarginalLikelihoodValue));
        }
        GpLinalg.PrepackedInverse = GpLinalg.PrepackedProduct = GpLinalg.FoldedRowInverse = true;
        Console.WriteLine("fits, two products per chunk: " + string.Join(", ", fits[0]) + " ms (evaluations, lml)");
        Console.WriteLine("fits, folded rows: " + string.Join(", ", fits[1]) + " ms (evaluations, lml)");
    }
}
