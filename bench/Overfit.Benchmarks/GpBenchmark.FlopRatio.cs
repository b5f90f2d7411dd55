using System.Diagnostics;
using System.Globalization;
using Overfit.GaussianProcesses;
using Overfit.Tensors.Kernels;

namespace Overfit.Benchmarks;

public static partial class GpBenchmark
{
    /// <summary>
    /// `gp --flop-ratio REPS`: one LML+gradient evaluation at the fitted hyperparameters against its floor, n³ flops at
    /// the machine's DGEMM rate (half of an n×n×n product timed in the same run) plus the kernel work (the lower
    /// triangle of K and the fused gradient contraction). The steps alternate repetition by repetition, so all see the
    /// same machine load; each is the best of REPS. One JSON line with the times (ms), the ratio (the evaluation over
    /// that floor) and linalg_ratio (the evaluation less the kernel work, over the n³ part alone). The Cholesky (its time
    /// includes an n×n copy of K) and the inverse are timed alone too, to show where the rest goes.
    /// </summary>
    private static void FlopRatio(GaussianProcessRegressor gp, double[,] x2, double[] y, int n, int d, int reps)
    {
        var (x, yn) = RowMajorStandardized(x2, y, n, d);
        var kernel = gp.FittedKernel!.Clone();
        var theta = kernel.Theta;
        var grad = new double[theta.Length];
        var lml = new MarginalLikelihood(kernel, x, n, d, yn, 1e-10);
        // The factor and weights of the contraction at the fitted point, for timing the kernel work alone.
        var k = new double[n * n];
        kernel.EvaluateLowerTriangle(x, n, d, k);
        for (int i = 0; i < n; i++) k[i * n + i] += 1e-10;
        var l = (double[])k.Clone();
        var diagonalInverses = new double[DenseLinalg.DiagonalInverseLength(n)];
        DenseLinalg.TryCholeskyBlocked<double>(l, n, diagonalInverses, out _);
        var alpha = (double[])yn.Clone();
        DenseLinalg.CholeskySolveInPlace(l, n, alpha, 1);
        var inverse = new double[n * n];
        DenseLinalg.InverseFromCholeskyLower<double>(l, n, diagonalInverses, inverse);
        var scratchK = new double[n * n];
        var b = new double[n * n];
        var c = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = (i % 7) * 0.125 - 0.375;
        var t2 = (double[])theta.Clone();
        int flip = 0;
        var steps = new (string Name, Action Body)[]
        {
            ("lml_grad_ms", () => { t2[0] = theta[0] + 1e-9 * (flip++ & 1); lml.Evaluate(t2, grad); }),
            ("gemm_ms", () => Gemm.Multiply(false, false, n, n, n, 1.0, k, n, b, n, 0.0, c, n)),
            ("kernel_ms", () => kernel.EvaluateLowerTriangle(x, n, d, scratchK)),
            ("contract_ms", () => { Array.Clear(grad); kernel.ContractLowerWeights(x, n, d, new LowerWeights(inverse, alpha, n), grad); }),
            ("cholesky_ms", () => { k.CopyTo(scratchK, 0); DenseLinalg.TryCholeskyBlocked<double>(scratchK, n, diagonalInverses, out _); }),
            ("inverse_ms", () => DenseLinalg.InverseFromCholeskyLower<double>(l, n, diagonalInverses, c)),
        };
        // On one thread the calling thread's CPU time is the whole cost of a step, and time slices lost to other
        // processes do not count, so `--flop-ratio` under OVERFIT_NUM_THREADS=1 gives load-resistant figures too.
        bool oneThread = Overfit.Threading.Effective == 1 && OperatingSystem.IsLinux();
        var best = new double[steps.Length];
        var bestCpu = new double[steps.Length];
        Array.Fill(best, double.MaxValue);
        Array.Fill(bestCpu, double.MaxValue);
        for (int r = -1; r < reps; r++)
            for (int s = 0; s < steps.Length; s++)
            {
                double cpu0 = oneThread ? ThreadCpuMilliseconds() : 0;
                var sw = Stopwatch.StartNew();
                steps[s].Body();
                double wall = sw.Elapsed.TotalMilliseconds, cpu = oneThread ? ThreadCpuMilliseconds() - cpu0 : 0;
                if (r < 0) continue;
                best[s] = Math.Min(best[s], wall);
                bestCpu[s] = Math.Min(bestCpu[s], cpu);
            }
        var inv = CultureInfo.InvariantCulture;
        string Fields(double[] t, string suffix)
        {
            double floor = t[1] / 2 + t[2] + t[3];
            return string.Join(",", steps.Select((st, i) => string.Format(inv, "\"{0}{1}\":{2:0.00}", st.Name, suffix, t[i]))) +
                string.Format(inv, ",\"floor{0}_ms\":{1:0.00},\"ratio{0}\":{2:0.000},\"linalg_ratio{0}\":{3:0.000}", suffix.Length == 0 ? "" : "_cpu",
                    floor, t[0] / floor, (t[0] - t[2] - t[3]) / (t[1] / 2));
        }
        Console.WriteLine("{\"bench\":\"gp_flop_ratio\",\"n\":" + n.ToString(inv) + ",\"d\":" + d.ToString(inv) + ",\"threads\":" + Overfit.Threading.Effective.ToString(inv) + "," +
            Fields(best, "") + (oneThread ? "," + Fields(bestCpu, "_cpu") : "") + "}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in milliseconds.</summary>
    private static double ThreadCpuMilliseconds()
    {
        ClockGetTime(3, out var t);
        return t.Seconds * 1e3 + t.Nanoseconds * 1e-6;
    }
}
