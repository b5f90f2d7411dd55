namespace Overfit.BayesianOptimization;

/// <summary>Value and gradient of a function to minimize; writes the gradient into <c>gradient</c>.</summary>
public delegate double GradientObjective(ReadOnlySpan<double> x, Span<double> gradient);

public sealed record LbfgsResult(double[] X, double Value, int Iterations, int Evaluations, bool Converged, string Message);

/// <summary>
/// Compact projected L-BFGS for box constraints (a simplification of L-BFGS-B): the two-loop recursion runs on the
/// free variables (those not held at a bound by their gradient), steps are projected onto the box, and a
/// backtracking Armijo search along the projected path accepts them. A variable with equal lower and upper bound
/// stays fixed. Stops like scipy's L-BFGS-B: projected gradient below pgtol or relative decrease below ftol.
/// MathNet.Numerics' BfgsBMinimizer is not used: it keeps a dense BFGS matrix and throws when its line search fails
/// or the iteration limit is reached (both routine for acquisition surfaces); here either just ends the run with the
/// best point so far.
/// </summary>
public static class BoundedLbfgs
{
    public static LbfgsResult Minimize(GradientObjective f, double[] x0, double[] lower, double[] upper,
        int maxIterations = 200, int memory = 10, double pgtol = 1e-5, double ftol = 2.220446049250313e-09)
    {
        ArgumentNullException.ThrowIfNull(f);
        int n = x0.Length;
        if (lower.Length != n || upper.Length != n)
            throw new ArgumentException($"expected bounds of length {n}, got {lower.Length} and {upper.Length}", nameof(lower));
        for (int i = 0; i < n; i++)
            if (!(lower[i] <= upper[i])) throw new ArgumentException($"bound {i}: expected low <= high, got {lower[i]} and {upper[i]}", nameof(lower));
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.Clamp(x0[i], lower[i], upper[i]);
        var g = new double[n];
        double fx = f(x, g);
        int evals = 1;
        if (!double.IsFinite(fx)) return new LbfgsResult(x, fx, 0, evals, false, "objective is not finite at the start");
        var s = new List<double[]>(); var y = new List<double[]>(); var rho = new List<double>();
        var d = new double[n]; var xt = new double[n]; var gt = new double[n]; var free = new bool[n];
        var alpha = new double[memory];
        int iter = 0;
        string message = "maximum iterations reached";
        bool converged = false;
        for (; iter < maxIterations; iter++)
        {
            double pg = 0;
            for (int i = 0; i < n; i++)
            {
                double step = Math.Clamp(x[i] - g[i], lower[i], upper[i]) - x[i];
                pg = Math.Max(pg, Math.Abs(step));
                free[i] = lower[i] < upper[i] && !(x[i] <= lower[i] && g[i] > 0) && !(x[i] >= upper[i] && g[i] < 0);
            }
            if (pg <= pgtol) { converged = true; message = "projected gradient below tolerance"; break; }
            TwoLoop(g, free, s, y, rho, alpha, d);
            double dg = Dot(d, g);
            if (!(dg < 0))
            {
                s.Clear(); y.Clear(); rho.Clear();
                for (int i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
                dg = Dot(d, g);
                if (!(dg < 0)) { converged = true; message = "no descent direction"; break; }
            }
            double t = s.Count == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(d, d))) : 1.0;
            bool accepted = false;
            double ft = double.NaN;
            for (int ls = 0; ls < 40; ls++)
            {
                bool moved = false;
                double decrease = 0;
                for (int i = 0; i < n; i++)
                {
                    xt[i] = Math.Clamp(x[i] + t * d[i], lower[i], upper[i]);
                    if (xt[i] != x[i]) moved = true;
                    decrease += g[i] * (xt[i] - x[i]);
                }
                if (!moved) break;
                ft = f(xt, gt);
                evals++;
                if (double.IsFinite(ft) && ft <= fx + 1e-4 * decrease) { accepted = true; break; }
                t *= 0.5;
            }
            if (!accepted)
            {
                if (s.Count > 0) { s.Clear(); y.Clear(); rho.Clear(); continue; }
                converged = true; message = "line search cannot decrease the objective";
                break;
            }
            var sk = new double[n]; var yk = new double[n];
            for (int i = 0; i < n; i++) { sk[i] = xt[i] - x[i]; yk[i] = gt[i] - g[i]; }
            double sy = Dot(sk, yk);
            if (sy > 1e-10 * Dot(yk, yk))
            {
                if (s.Count == memory) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1.0 / sy);
            }
            double relative = (fx - ft) / Math.Max(Math.Max(Math.Abs(fx), Math.Abs(ft)), 1.0);
            Array.Copy(xt, x, n); Array.Copy(gt, g, n); fx = ft;
            if (relative <= ftol) { converged = true; message = "relative reduction below tolerance"; iter++; break; }
        }
        return new LbfgsResult(x, fx, iter, evals, converged, message);
    }

    /// <summary>d = -H g restricted to the free variables, H the L-BFGS inverse-Hessian estimate.</summary>
    private static void TwoLoop(double[] g, bool[] free, List<double[]> s, List<double[]> y, List<double> rho, double[] alpha, double[] d)
    {
        int n = g.Length, m = s.Count;
        for (int i = 0; i < n; i++) d[i] = free[i] ? g[i] : 0;
        for (int k = m - 1; k >= 0; k--)
        {
            alpha[k] = rho[k] * MaskedDot(s[k], d, free);
            for (int i = 0; i < n; i++) if (free[i]) d[i] -= alpha[k] * y[k][i];
        }
        if (m > 0)
        {
            double gamma = Dot(s[m - 1], y[m - 1]) / Dot(y[m - 1], y[m - 1]);
            for (int i = 0; i < n; i++) d[i] *= gamma;
        }
        for (int k = 0; k < m; k++)
        {
            double beta = rho[k] * MaskedDot(y[k], d, free);
            for (int i = 0; i < n; i++) if (free[i]) d[i] += (alpha[k] - beta) * s[k][i];
        }
        for (int i = 0; i < n; i++) d[i] = free[i] ? -d[i] : 0;
    }

    private static double Dot(double[] a, double[] b)
    {
        double r = 0;
        for (int i = 0; i < a.Length; i++) r += a[i] * b[i];
        return r;
    }

    private static double MaskedDot(double[] a, double[] b, bool[] mask)
    {
        double r = 0;
        for (int i = 0; i < a.Length; i++) if (mask[i]) r += a[i] * b[i];
        return r;
    }
}
