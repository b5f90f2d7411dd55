using System.Diagnostics;
using System.Globalization;
using Overfit.GaussianProcesses;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

public static partial class GpBenchmark
{
    /// <summary>The inputs as a row-major n×d array and the targets standardized as the regressor's normalizeY does.</summary>
    private static (double[] X, double[] Y) RowMajorStandardized(double[,] x2, double[] y, int n, int d)
    {
        var x = new double[n * d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) x[i * d + c] = x2[i, c];
        double mean = y.Average(), sd = Math.Sqrt(y.Select(v => (v - mean) * (v - mean)).Sum() / n);
        return (x, y.Select(v => (v - mean) / sd).ToArray());
    }

    /// <summary>
    /// `gp --phases`: minimum over warm repetitions of each step of one log-marginal-likelihood evaluation at the
    /// fitted hyperparameters (kernel matrix, Cholesky, solve, inverse, weight matrix, gradient contraction), the
    /// whole evaluation, and a square GEMM of the same order for scale.
    /// </summary>
    private static void Phases(GaussianProcessRegressor gp, double[,] x2, double[] y, int n, int d, int reps)
    {
        {
            var fits0 = new List<double>();
            for (int r = 0; r < 3; r++)
            {
                var sw = Stopwatch.StartNew();
                new GaussianProcessRegressor(gp.Kernel, normalizeY: true).Fit(x2, y);
                fits0.Add(sw.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine("fits right after: " + string.Join(", ", fits0.Select(f => f.ToString("0", CultureInfo.InvariantCulture))) + " ms");
        }
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "lml: fitted {0:0.000000000}, re-evaluated {1:0.000000000}", gp.LogMarginalLikelihoodValue, gp.LogMarginalLikelihood()));
        var (x, yn) = RowMajorStandardized(x2, y, n, d);
        var kernel = gp.FittedKernel!.Clone();
        var theta = kernel.Theta;
        var k = new double[n * n];
        var l = new double[n * n];
        var a = new double[n];
        var grad = new double[theta.Length];
        var results = new List<(string, double)>();
        var proc = Process.GetCurrentProcess();
        void Time(string name, Action body)
        {
            body();
            double best = double.MaxValue;
            proc.Refresh();
            var cpu0 = proc.TotalProcessorTime;
            for (int r = 0; r < reps; r++)
            {
                var sw = Stopwatch.StartNew();
                body();
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }
            proc.Refresh();
            results.Add((name + string.Format(CultureInfo.InvariantCulture, " (cpu {0:0.00})", (proc.TotalProcessorTime - cpu0).TotalMilliseconds / reps), best));
        }
        if (Environment.GetEnvironmentVariable("GP_PHASES_THREADS") is { } th) Gemm.MaxThreads = int.Parse(th, CultureInfo.InvariantCulture);
        Time("kernel", () => { kernel.EvaluateSymmetric(x, n, d, k); for (int i = 0; i < n; i++) k[i * n + i] += 1e-10; });
        var kl = new double[n * n];
        Time("kernel-lower", () => kernel.EvaluateLowerTriangle(x, n, d, kl));
        double ekl = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) ekl = Math.Max(ekl, Math.Abs(kl[i * n + j] - k[i * n + j] + (i == j ? 1e-10 : 0)));
        Console.WriteLine($"lower-triangle kernel max diff {ekl:G3}");
        Time("cholesky", () => GpLinalg.CholeskyWithJitter(k, n, l));
        Time("solve", () => { yn.CopyTo(a, 0); DenseLinalg.CholeskySolveInPlace(l, n, a, 1); });
        var w = new double[n * n];
        Time("inverse", () => DenseLinalg.InverseFromCholesky(l, n, w));
        foreach (int bw in new[] { 128, 256 })
        {
            var lb2 = new double[n * n]; var dinv2 = new double[n * bw]; var w2 = new double[n * n]; var s2 = new double[n * n];
            Time($"chol{bw}", () => { k.CopyTo(lb2, 0); DenseLinalg.TryCholeskySplit<double>(lb2, n, bw, dinv2, out _); });
            Time($"inv{bw}", () => DenseLinalg.InverseFromCholeskyLower<double>(lb2, n, bw, dinv2, w2));
            Time($"chol-concurrent{bw}", () => { k.CopyTo(lb2, 0); DenseLinalg.TryCholeskyConcurrent<double>(lb2, n, bw, dinv2, out _); });
        }
        var lb = new double[n * n];
        var dinv = new double[DenseLinalg.DiagonalInverseLength(n)];
        var scratch = new double[n * n];
        var wb = new double[n * n];
        Time("chol-blocked", () => { k.CopyTo(lb, 0); DenseLinalg.TryCholeskySplit<double>(lb, n, DenseLinalg.CholeskyBlockWidth(n), dinv, out _); });
        Time("inv-blocked", () => DenseLinalg.InverseFromCholeskyLower<double>(lb, n, DenseLinalg.CholeskyBlockWidth(n), dinv, wb));
        Time("chol-concurrent", () => { k.CopyTo(lb, 0); DenseLinalg.TryCholeskyConcurrent<double>(lb, n, DenseLinalg.CholeskyBlockWidth(n), dinv, out _); });
        Time("chol-blocked", () => { k.CopyTo(lb, 0); DenseLinalg.TryCholeskySplit<double>(lb, n, DenseLinalg.CholeskyBlockWidth(n), dinv, out _); });
        Time("chol-concurrent", () => { k.CopyTo(lb, 0); DenseLinalg.TryCholeskyConcurrent<double>(lb, n, DenseLinalg.CholeskyBlockWidth(n), dinv, out _); });
        int nbw = DenseLinalg.CholeskyBlockWidth(n);
        Time("diagfactors", () => { for (int j0 = 0; j0 < n; j0 += nbw) { int jb = Math.Min(nbw, n - j0); for (int i = 0; i < jb; i++) k.AsSpan((j0 + i) * n + j0, jb).CopyTo(lb.AsSpan((j0 + i) * n + j0)); DenseLinalg.FactorDiagonalBlock<double>(lb, n, j0, jb, out _); } });
        var diagScratch = new double[n * nbw];
        {
            Time("diag-factor+inverse (two-level)", () => { for (int j0 = 0; j0 < n; j0 += nbw) { int jb = Math.Min(nbw, n - j0); for (int i = 0; i < jb; i++) k.AsSpan((j0 + i) * n + j0, jb).CopyTo(lb.AsSpan((j0 + i) * n + j0)); DenseLinalg.FactorAndInvertDiagonalBlock<double>(lb, n, nbw, j0, jb, dinv.AsSpan(j0 * nbw, jb * nbw), 0, diagScratch, out _); } });
        }
        Time("diaginverses", () => { for (int j0 = 0; j0 < n; j0 += nbw) DenseLinalg.InvertLowerBlock<double>(lb, n, j0, Math.Min(nbw, n - j0), dinv.AsSpan(j0 * nbw), nbw); });
        Time("syrks", () => { for (int j0 = 0; j0 + nbw < n; j0 += nbw) { int j1 = j0 + nbw; Gemm.SymmetricRankK(false, n - j1, nbw, -1e-30, scratch.AsSpan(j1 * n + j0), n, 1.0, wb.AsSpan(j1 * n + j1), n); } });
        Time("panelgemms", () => { for (int j0 = 0; j0 + nbw < n; j0 += nbw) { int j1 = j0 + nbw; Gemm.Multiply(false, true, n - j1, nbw, nbw, 1e-30, scratch, nbw, dinv, nbw, 0.0, wb.AsSpan(j1 * n + j0), n); } });
        Time("trtri-T-gemms", () => { for (int j0 = nbw; j0 < n; j0 += nbw) { int jb = Math.Min(nbw, n - j0); for (int c0 = 0; c0 < j0; c0 += 2 * nbw) { int cw = Math.Min(2 * nbw, j0 - c0); Gemm.Multiply(false, false, jb, cw, j0 - c0, 1.0, k.AsSpan(j0 * n + c0), n, scratch.AsSpan(c0 * n + c0), n, 0.0, wb.AsSpan(c0), j0); } } });
        Time("trtri-X-gemms", () => { for (int j0 = nbw; j0 < n; j0 += nbw) { int jb = Math.Min(nbw, n - j0); Gemm.Multiply(false, false, jb, j0, jb, -1.0, dinv, nbw, wb, j0, 0.0, scratch.AsSpan(j0 * n), n); } });
        Time("lauum-gemms", () => { for (int i0 = 0; i0 < n; i0 += nbw) { int ib = Math.Min(nbw, n - i0); Gemm.Multiply(true, false, ib, i0 + ib, n - i0, 1.0, scratch.AsSpan(i0 * n + i0), n, scratch.AsSpan(i0 * n), n, 0.0, wb.AsSpan(i0 * n), n); } });
        Time("syrk-full", () => Gemm.SymmetricRankK(false, n, n, 1.0, k, n, 0.0, wb, n));
        DenseLinalg.TryCholeskySplit<double>(lb, n, DenseLinalg.CholeskyBlockWidth(n), dinv, out _);
        DenseLinalg.InverseFromCholeskyLower<double>(lb, n, DenseLinalg.CholeskyBlockWidth(n), dinv, wb);
        double e1 = 0, e2 = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) { e1 = Math.Max(e1, Math.Abs(lb[i * n + j] - l[i * n + j])); e2 = Math.Max(e2, Math.Abs(wb[i * n + j] - w[i * n + j]) / Math.Abs(w[i * n + i])); }
        Console.WriteLine($"blocked vs jitter-ladder entry: factor max diff {e1:G3}, inverse max rel diff {e2:G3}");
        var cl = new double[n * n];
        DenseLinalg.TryCholeskySplit<double>(kl, n, DenseLinalg.CholeskyBlockWidth(n), dinv, out _);
        DenseLinalg.InverseFromCholeskyLower<double>(kl, n, DenseLinalg.CholeskyBlockWidth(n), dinv, cl);
        var ycopy = (double[])yn.Clone();
        DenseLinalg.CholeskySolveInPlace(kl, n, ycopy, 1);
        var wl = (double[])cl.Clone();
        Time("weights", () => { cl.CopyTo(wl, 0); GpLinalg.WeightsFromInverse(wl, ycopy, n); });
        Time("contract-full", () => { Array.Clear(grad); kernel.ContractHyperparameterGradients(x, n, d, wl, grad); });
        Time("contract-lower", () => { Array.Clear(grad); kernel.ContractLowerWeights(x, n, d, new LowerWeights(cl, ycopy, n), grad); });
        Time("contract", () => { Array.Clear(grad); kernel.ContractHyperparameterGradients(x, n, d, w, grad); });
        var lml = new MarginalLikelihood(kernel, x, n, d, yn, 1e-10);
        var t2 = (double[])theta.Clone();
        int flip = 0;
        Time("lml+grad", () => { t2[0] = theta[0] + 1e-9 * (flip++ & 1); lml.Evaluate(t2, grad); });
        Time("lml", () => { t2[0] = theta[0] + 1e-9 * (flip++ & 1); lml.Evaluate(t2, null); });
        {
            int m = 2000;
            var (xs2, _) = Friedman(new Overfit.Tensors.Generator(9), m, d, noise: 0.0);
            var xs = new double[m * d];
            for (int i = 0; i < m; i++) for (int c = 0; c < d; c++) xs[i * d + c] = xs2[i, c];
            var kt = new double[n * m];
            var lz = (double[])lb.Clone();
            DenseLinalg.TryCholeskySplit<double>(lz, n, DenseLinalg.CholeskyBlockWidth(n), dinv, out _);
            for (int i = 0; i < n; i++) lz.AsSpan(i * n + i + 1, n - i - 1).Clear();
            Time("predict: K(X, X*)", () => kernel.Evaluate(x, n, xs, m, d, kt));
            Time("predict: solve L V = K*", () => { kernel.Evaluate(x, n, xs, m, d, kt); DenseLinalg.SolveLowerInPlace(lz, n, kt, m); });
            Time("predict: whole", () => gp.Predict(xs2));
        }
        Time("gemm n^3", () => Gemm.Multiply(false, false, n, n, n, 1.0, k, n, l, n, 0.0, w, n));
        var fits = new List<double>();
        for (int r = 0; r < 4; r++)
        {
            var sw = Stopwatch.StartNew();
            new GaussianProcessRegressor(gp.Kernel, normalizeY: true).Fit(x2, y);
            fits.Add(sw.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine("fits again: " + string.Join(", ", fits.Select(f => f.ToString("0", CultureInfo.InvariantCulture))) + " ms");
        Console.WriteLine(string.Join("\n", results.Select(r => string.Format(CultureInfo.InvariantCulture, "{0} {1:0.00} ms", r.Item1, r.Item2))));
    }
}
