using System.Diagnostics;
using System.Globalization;
using Overfit.GaussianProcesses;
using Overfit.Tensors;

namespace Overfit.Benchmarks;

public static partial class GpBenchmark
{
    /// <summary>
    /// `gp --method sparse --n 100000 --d 5 --inducing 512 --json`: SGPR on the same Friedman #1 problem and kernel as
    /// the exact case (ConstantKernel·Matern(ARD, ν=5/2) + WhiteKernel, normalized targets), inducing inputs from seeded
    /// k-means++ and optimized with the hyperparameters. "lml" is the collapsed lower bound at the fit. For accuracy the
    /// exact GP is fitted on the first <paramref name="subsample"/> training rows (a uniform random subsample, the rows
    /// being i.i.d. draws) and both models are scored by RMSE against the same noise-free test targets;
    /// "rmse_ratio" is sparse / exact (0 skips the exact fit).
    /// </summary>
    private static int RunSparse(int n, int d, int nTest, int inducing, int subsample, int maxIter, bool json)
    {
        if (inducing < 1 || inducing > n) { Console.Error.WriteLine($"--inducing must be between 1 and --n ({n}), got {inducing}"); return 2; }
        if (subsample < 0 || subsample > n) { Console.Error.WriteLine($"--subsample must be between 0 and --n ({n}), got {subsample}"); return 2; }
        var rng = new Generator(0);
        var (x, y) = Friedman(rng, n, d, noise: 1.0);
        var (xt, yt) = Friedman(rng, nTest, d, noise: 0.0);
        var kernel = new ConstantKernel(1.0) * new Matern(Enumerable.Repeat(1.0, d).ToArray(), nu: 2.5) + new WhiteKernel(1.0);
        // Warm-up on a small problem of the same kind so the timed fit does not pay for the JIT.
        var (xw, yw) = Friedman(new Generator(1), 2000, d, noise: 1.0);
        new SparseGaussianProcessRegressor(kernel, nInducing: 64, normalizeY: true, maxIter: 20).Fit(xw, yw).Predict(xt);
        var gp = new SparseGaussianProcessRegressor(kernel, nInducing: inducing, normalizeY: true, seed: 0, maxIter: maxIter);
        var sw = Stopwatch.StartNew();
        gp.Fit(x, y);
        double fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var (mean, _) = gp.Predict(xt);
        double predict = sw.Elapsed.TotalSeconds;
        double rmse = Rmse(mean, yt);
        double exactRmse = double.NaN, exactFit = double.NaN;
        if (subsample > 0)
        {
            var xs = new double[subsample, d];
            Buffer.BlockCopy(x, 0, xs, 0, subsample * d * sizeof(double));
            var ys = y[..subsample];
            sw.Restart();
            var exact = new GaussianProcessRegressor(kernel, normalizeY: true, nRestartsOptimizer: 0, seed: 0).Fit(xs, ys);
            exactFit = sw.Elapsed.TotalSeconds;
            exactRmse = Rmse(exact.Predict(xt).Mean, yt);
        }
        var inv = CultureInfo.InvariantCulture;
        var r = gp.OptimizerResult!;
        if (json)
            Console.WriteLine(string.Format(inv, "{{\"bench\":\"gp\",\"method\":\"sparse\",\"n\":{0},\"d\":{1},\"fit_s\":{2:0.###},\"predict_s\":{3:0.###},\"lml\":{4:0.###},\"rmse\":{5:0.####},\"inducing\":{6},\"iterations\":{7},\"evaluations\":{8},\"subsample\":{9},\"exact_subsample_fit_s\":{10:0.###},\"exact_subsample_rmse\":{11:0.####},\"rmse_ratio\":{12:0.####}}}",
                n, d, fit, predict, gp.ElboValue, rmse, inducing, r.Iterations, r.Evaluations, subsample,
                JsonNumber(exactFit), JsonNumber(exactRmse), JsonNumber(rmse / exactRmse)));
        else
            Console.WriteLine(string.Format(inv, "sparse n={0} d={1} M={2}: fit {3:0.###} s predict {4:0.###} s bound {5:0.######} rmse {6:0.####} iterations {7} evaluations {8} ({9}) kernel {10}; exact on {11} rows: fit {12:0.###} s rmse {13:0.####}",
                n, d, inducing, fit, predict, gp.ElboValue, rmse, r.Iterations, r.Evaluations, r.Message, gp.FittedKernel, subsample, exactFit, exactRmse));
        return 0;
    }

    private static double Rmse(double[] p, double[] t)
    {
        double se = 0;
        for (int i = 0; i < t.Length; i++) se += (p[i] - t[i]) * (p[i] - t[i]);
        return Math.Sqrt(se / t.Length);
    }

    /// <summary>JSON has no NaN: a skipped comparison is written as -1.</summary>
    private static double JsonNumber(double v) => double.IsFinite(v) ? v : -1;
}
