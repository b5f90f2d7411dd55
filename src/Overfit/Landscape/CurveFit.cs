using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Overfit.Landscape;

/// <summary>The fitted parameters (popt), their covariance estimate (pcov) and the fit's residual sum of squares.</summary>
public sealed record CurveFitResult(double[] Parameters, double[,] Covariance, double SumOfSquares, int Iterations)
{
    /// <summary>One-standard-deviation errors: the square roots of the covariance's diagonal.</summary>
    public double[] StandardErrors => Enumerable.Range(0, Parameters.Length).Select(i => Math.Sqrt(Covariance[i, i])).ToArray();
}

/// <summary>
/// Nonlinear least squares with scipy.optimize.curve_fit's contract: Levenberg–Marquardt from an initial guess
/// (all ones by default, as SciPy), and the covariance inv(JᵀJ)·SSR/(m − n) of an unweighted fit
/// (absolute_sigma=False). The minimization is MathNet.Numerics' Levenberg–Marquardt with an analytic or
/// finite-difference Jacobian; the covariance is formed here from the Jacobian at the solution.
/// </summary>
public static class CurveFit
{
    /// <summary>Fits f(p, x) to <paramref name="ydata"/> at the points <paramref name="xdata"/> (each point a vector).</summary>
    /// <param name="f">The model: parameters and one point to a value.</param>
    /// <param name="xdata">The points, one array per observation.</param>
    /// <param name="ydata">The observed values.</param>
    /// <param name="p0">The initial guess (null: ones of length <paramref name="parameterCount"/>).</param>
    /// <param name="parameterCount">Number of parameters when <paramref name="p0"/> is null.</param>
    /// <param name="jacobian">Optional ∂f/∂p at a point (null: forward differences, as MINPACK's lmdif).</param>
    /// <param name="maxIterations">Cap on Levenberg–Marquardt iterations (default 10000).</param>
    public static CurveFitResult Fit(Func<double[], double[], double> f, double[][] xdata, double[] ydata, double[]? p0 = null, int parameterCount = 0,
        Func<double[], double[], double[]>? jacobian = null, int maxIterations = 10000)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(xdata);
        ArgumentNullException.ThrowIfNull(ydata);
        if (xdata.Length != ydata.Length) throw new ArgumentException($"xdata has {xdata.Length} points but ydata {ydata.Length} values", nameof(ydata));
        p0 ??= parameterCount > 0 ? Enumerable.Repeat(1.0, parameterCount).ToArray()
            : throw new ArgumentException("give p0 or a positive parameterCount", nameof(p0));
        int m = ydata.Length, n = p0.Length;
        if (m < n) throw new ArgumentException($"curve fitting needs at least as many points as parameters: {m} points, {n} parameters", nameof(ydata));
        foreach (var v in ydata)
            if (!double.IsFinite(v)) throw new ArgumentException("ydata contains a non-finite value", nameof(ydata));

        var index = Vector<double>.Build.Dense(m, i => i);
        var observed = Vector<double>.Build.DenseOfArray(ydata);
        Func<Vector<double>, Vector<double>, Vector<double>> model = (p, x) =>
        {
            var pa = p.ToArray();
            return Vector<double>.Build.Dense(x.Count, i => f(pa, xdata[(int)x[i]]));
        };
        IObjectiveModel objective = jacobian is null
            ? ObjectiveFunction.NonlinearModel(model, index, observed, accuracyOrder: 1)
            : ObjectiveFunction.NonlinearModel(model, (p, x) =>
            {
                var pa = p.ToArray();
                return Matrix<double>.Build.DenseOfRowArrays(Enumerable.Range(0, x.Count).Select(i => jacobian(pa, xdata[(int)x[i]])));
            }, index, observed);
        var solver = new LevenbergMarquardtMinimizer(initialMu: 1e-3, gradientTolerance: 1e-15, stepTolerance: 1e-15, functionTolerance: 1e-30, maximumIterations: maxIterations);
        var result = solver.FindMinimum(objective, Vector<double>.Build.DenseOfArray(p0));
        var popt = result.MinimizingPoint.ToArray();

        // pcov = inv(JᵀJ)·s², s² = SSR/(m − n): the Jacobian at the solution by central differences unless given.
        var j = Matrix<double>.Build.Dense(m, n);
        double ssr = 0;
        for (int i = 0; i < m; i++)
        {
            double r = f(popt, xdata[i]) - ydata[i];
            ssr += r * r;
            var row = jacobian?.Invoke(popt, xdata[i]) ?? CentralDifference(f, popt, xdata[i]);
            for (int k = 0; k < n; k++) j[i, k] = row[k];
        }
        var jtj = j.TransposeThisAndMultiply(j);
        var covariance = m > n ? jtj.PseudoInverse().Multiply(ssr / (m - n)) : Matrix<double>.Build.Dense(n, n, double.PositiveInfinity);
        return new CurveFitResult(popt, covariance.ToArray(), ssr, result.Iterations);
    }

    private static double[] CentralDifference(Func<double[], double[], double> f, double[] p, double[] x)
    {
        var g = new double[p.Length];
        var q = (double[])p.Clone();
        for (int k = 0; k < p.Length; k++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(p[k]));
            q[k] = p[k] + h;
            double plus = f(q, x);
            q[k] = p[k] - h;
            double minus = f(q, x);
            q[k] = p[k];
            g[k] = (plus - minus) / (2 * h);
        }
        return g;
    }
}
