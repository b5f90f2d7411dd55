namespace Overfit.GaussianProcesses;

/// <summary>
/// Compact projected L-BFGS for box constraints (the L-BFGS-B setting scikit-learn uses through SciPy):
/// two-loop recursion on the free variables, projection onto the box, Armijo backtracking along the projected
/// path. Convergence: projected-gradient max-norm ≤ <see cref="GradientTolerance"/> or relative decrease ≤
/// <see cref="FunctionTolerance"/> (SciPy's factr·eps). Non-finite objective values count as failed steps.
/// </summary>
public sealed class BoundedLbfgs
{
    public int Memory { get; init; } = 10;
    public int MaxIterations { get; init; } = 15000;
    public double GradientTolerance { get; init; } = 1e-5;
    public double FunctionTolerance { get; init; } = 1e7 * 2.220446049250313e-16;

    public sealed record Result(double[] X, double Value, int Iterations, int Evaluations, string Message);

    /// <summary>Minimizes f over [lower, upper]; <paramref name="f"/> returns the value and writes the gradient.</summary>
    public Result Minimize(Func<double[], double[], double> f, double[] x0, double[] lower, double[] upper)
        => MinimizeWithLazyGradient((x, g) => f(x, g ?? new double[x.Length]), x0, lower, upper);

    /// <summary>
    /// Minimizes f over [lower, upper] where <paramref name="f"/> receives a null gradient buffer when only the value is
    /// needed: trial points of the line search are valued first and the gradient is asked for once a point is accepted
    /// (for a GP that saves the inverse of K on every rejected trial).
    /// </summary>
    public Result MinimizeWithLazyGradient(Func<double[], double[]?, double> f, double[] x0, double[] lower, double[] upper)
    {
        int p = x0.Length;
        if (lower.Length != p || upper.Length != p)
            throw new ArgumentException($"bounds must have {p} entries like x0, got {lower.Length} and {upper.Length}", nameof(lower));
        for (int i = 0; i < p; i++)
            if (!(lower[i] <= upper[i])) throw new ArgumentException($"bound {i} is empty: lower {lower[i]} > upper {upper[i]}", nameof(lower));
        var x = new double[p];
        for (int i = 0; i < p; i++) x[i] = Math.Clamp(x0[i], lower[i], upper[i]);
        var g = new double[p];
        double fx = f(x, g);
        int evals = 1;
        if (!double.IsFinite(fx)) return new Result(x, fx, 0, evals, "objective is not finite at the starting point");
        var sList = new List<double[]>();
        var yList = new List<double[]>();
        var xNew = new double[p];
        var gNew = new double[p];
        var dir = new double[p];
        string message = "maximum number of iterations reached";
        int iter;
        for (iter = 0; iter < MaxIterations; iter++)
        {
            if (ProjectedGradientNorm(x, g, lower, upper) <= GradientTolerance) { message = "projected gradient below tolerance"; break; }
            var active = new bool[p];
            for (int i = 0; i < p; i++)
                active[i] = (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0);
            TwoLoop(g, active, sList, yList, dir);
            double slope = Dot(g, dir);
            if (!(slope < 0))
            {
                sList.Clear(); yList.Clear();
                for (int i = 0; i < p; i++) dir[i] = active[i] ? 0 : -g[i];
                slope = Dot(g, dir);
            }
            double step = sList.Count == 0 ? Math.Min(1.0, 1.0 / Math.Max(1e-12, Norm(dir))) : 1.0;
            double fNew = double.NaN;
            bool accepted = false, belowRoundOff = false;
            double noise = FunctionTolerance * Math.Max(Math.Abs(fx), 1.0);
            for (int ls = 0; ls < 40; ls++)
            {
                for (int i = 0; i < p; i++) xNew[i] = Math.Clamp(x[i] + step * dir[i], lower[i], upper[i]);
                double decrease = 0;
                for (int i = 0; i < p; i++) decrease += g[i] * (xNew[i] - x[i]);
                // Once the predicted decrease is below the objective's round-off, backtracking cannot succeed.
                if (-decrease <= noise) { belowRoundOff = true; break; }
                fNew = f(xNew, null);
                evals++;
                if (double.IsFinite(fNew) && fNew <= fx + 1e-4 * decrease)
                {
                    accepted = true;
                    fNew = f(xNew, gNew);
                    break;
                }
                step *= ls == 0 && double.IsFinite(fNew) ? Math.Clamp(-0.5 * slope * step / (fNew - fx - slope * step), 0.1, 0.5) : 0.5;
            }
            if (belowRoundOff) { message = "predicted decrease below the objective's round-off"; break; }
            if (!accepted)
            {
                if (sList.Count > 0) { sList.Clear(); yList.Clear(); continue; }
                message = "line search failed";
                break;
            }
            var s = new double[p];
            var y = new double[p];
            for (int i = 0; i < p; i++) { s[i] = xNew[i] - x[i]; y[i] = gNew[i] - g[i]; }
            double sy = Dot(s, y);
            if (sy > 1e-10 * Dot(y, y))
            {
                sList.Add(s); yList.Add(y);
                if (sList.Count > Memory) { sList.RemoveAt(0); yList.RemoveAt(0); }
            }
            double fOld = fx;
            Array.Copy(xNew, x, p);
            Array.Copy(gNew, g, p);
            fx = fNew;
            if ((fOld - fx) / Math.Max(Math.Max(Math.Abs(fOld), Math.Abs(fx)), 1.0) <= FunctionTolerance)
            {
                message = "relative reduction of the objective below tolerance";
                iter++;
                break;
            }
        }
        return new Result(x, fx, iter, evals, message);
    }

    private static double ProjectedGradientNorm(double[] x, double[] g, double[] lower, double[] upper)
    {
        double m = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double pg = Math.Clamp(x[i] - g[i], lower[i], upper[i]) - x[i];
            m = Math.Max(m, Math.Abs(pg));
        }
        return m;
    }

    private static void TwoLoop(double[] g, bool[] active, List<double[]> sList, List<double[]> yList, double[] dir)
    {
        int p = g.Length, k = sList.Count;
        var q = new double[p];
        for (int i = 0; i < p; i++) q[i] = active[i] ? 0 : g[i];
        var a = new double[k];
        for (int j = k - 1; j >= 0; j--)
        {
            double rho = 1.0 / Dot(yList[j], sList[j]);
            a[j] = rho * Dot(sList[j], q);
            for (int i = 0; i < p; i++) q[i] -= a[j] * yList[j][i];
        }
        double gamma = k > 0 ? Dot(sList[k - 1], yList[k - 1]) / Dot(yList[k - 1], yList[k - 1]) : 1.0;
        for (int i = 0; i < p; i++) q[i] *= gamma;
        for (int j = 0; j < k; j++)
        {
            double rho = 1.0 / Dot(yList[j], sList[j]);
            double b = rho * Dot(yList[j], q);
            for (int i = 0; i < p; i++) q[i] += sList[j][i] * (a[j] - b);
        }
        for (int i = 0; i < p; i++) dir[i] = active[i] ? 0 : -q[i];
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
}
