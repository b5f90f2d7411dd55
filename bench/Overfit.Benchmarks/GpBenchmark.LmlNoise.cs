using System.Globalization;
using Overfit.GaussianProcesses;
using Overfit.Tensors;

namespace Overfit.Benchmarks;

public static partial class GpBenchmark
{
    /// <summary>
    /// `gp --lml-noise STEP [--dump PATH]`: the round-off of the log marginal likelihood near the fitted hyperparameters.
    /// Evaluates it at θ* + t·STEP·u for t = −10..10 (u a fixed Gaussian direction, seed 5), each point twice on fresh
    /// instances (same bits expected), and prints the RMS residual of a least-squares quadratic in t: for a STEP small
    /// enough that the LML is a quadratic there, that residual is the evaluation's noise. With --dump, writes θ*, u,
    /// STEP and the normalized training data for tests/fixtures/reference/gp/gp_lml_noise.py, which repeats the scan in NumPy/LAPACK.
    /// </summary>
    private static void LmlNoise(GaussianProcessRegressor gp, double[,] x2, double[] y, int n, int d, double step, string? dump)
    {
        var inv = CultureInfo.InvariantCulture;
        var kernel = gp.FittedKernel!;
        var theta = kernel.Theta;
        double mean = y.Average(), sd = Math.Sqrt(y.Select(v => (v - mean) * (v - mean)).Sum() / n);
        var yn = y.Select(v => (v - mean) / sd).ToArray();
        var x = new double[n * d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) x[i * d + c] = x2[i, c];
        var rng = new Generator(5);
        var u = new double[theta.Length];
        for (int i = 0; i < u.Length; i++) u[i] = rng.NextNormal();
        var values = new double[21];
        for (int t = -10; t <= 10; t++)
        {
            var at = theta.Select((v, i) => v + t * step * u[i]).ToArray();
            double a = new MarginalLikelihood(kernel.Clone(), x, n, d, yn, gp.Alpha).Evaluate(at, new double[at.Length]);
            double b = new MarginalLikelihood(kernel.Clone(), x, n, d, yn, gp.Alpha).Evaluate(at, new double[at.Length]);
            values[t + 10] = a;
            Console.WriteLine(string.Format(inv, "t {0,3} lml {1:R}{2}", t, a, BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b) ? "" : " (second evaluation differs)"));
        }
        Console.WriteLine(string.Format(inv, "step {0:G3}: rms residual of a quadratic fit {1:E2}", step, QuadraticResidualRms(values)));
        if (dump is null) return;
        using var w = new StreamWriter(dump);
        w.WriteLine(string.Join(" ", theta.Select(v => v.ToString("R", inv))));
        w.WriteLine(string.Join(" ", u.Select(v => v.ToString("R", inv))));
        w.WriteLine(step.ToString("R", inv) + " " + gp.Alpha.ToString("R", inv));
        for (int i = 0; i < n; i++)
            w.WriteLine(string.Join(" ", Enumerable.Range(0, d).Select(c => x2[i, c].ToString("R", inv))) + " " + yn[i].ToString("R", inv));
    }

    /// <summary>RMS residual of the least-squares quadratic through (t, values[t + 10]), t = −10..10 (normal equations, 3×3).</summary>
    private static double QuadraticResidualRms(double[] values)
    {
        var a = new double[3, 4];
        for (int i = 0; i < values.Length; i++)
        {
            double t = i - 10;
            double[] f = [1, t, t * t];
            for (int p = 0; p < 3; p++) { a[p, 3] += f[p] * values[i]; for (int q = 0; q < 3; q++) a[p, q] += f[p] * f[q]; }
        }
        for (int k = 0; k < 3; k++)
            for (int i = k + 1; i < 3; i++)
            {
                double f = a[i, k] / a[k, k];
                for (int j = k; j < 4; j++) a[i, j] -= f * a[k, j];
            }
        var c = new double[3];
        for (int i = 2; i >= 0; i--)
        {
            double s = a[i, 3];
            for (int j = i + 1; j < 3; j++) s -= a[i, j] * c[j];
            c[i] = s / a[i, i];
        }
        double ss = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double t = i - 10, r = values[i] - (c[0] + c[1] * t + c[2] * t * t);
            ss += r * r;
        }
        return Math.Sqrt(ss / values.Length);
    }
}
