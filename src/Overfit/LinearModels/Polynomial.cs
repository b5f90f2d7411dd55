using Overfit.LinearModels.Internal;

namespace Overfit.LinearModels;

/// <summary>
/// One-variable polynomial least squares. <see cref="Fit(double[], double[], int, double[], double?)"/> follows numpy.polyfit exactly (power basis, columns
/// scaled to unit norm, rcond = len(x)·eps, coefficients highest power first, rank check);
/// <see cref="FitChebyshev"/> is the well-conditioned alternative (numpy.polynomial.Chebyshev.fit).
/// </summary>
public static class Polynomial
{
    /// <summary>Least-squares polynomial of <paramref name="degree"/> through (x, y), exactly as numpy.polyfit.</summary>
    /// <param name="x">Sample points.</param>
    /// <param name="y">Values, one per point.</param>
    /// <param name="degree">Polynomial degree ≥ 0.</param>
    /// <param name="weights">Optional weights multiplying each residual (numpy's w).</param>
    /// <param name="rcond">Relative cutoff for small singular values (default len(x)·eps).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degree"/> is negative.</exception>
    /// <exception cref="ArgumentException">The lengths differ or a value is not finite.</exception>
    public static PolynomialFit Fit(double[] x, double[] y, int degree, double[]? weights = null, double? rcond = null)
    {
        var (xs, ys) = Check(x, y, degree, weights);
        int n = xs.Length, m = degree + 1;
        var lhs = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            double v = 1;
            for (int j = m - 1; j >= 0; j--) { lhs[i * m + j] = v; v *= xs[i]; }   // Vandermonde, highest power first
        }
        var rhs = (double[])ys.Clone();
        ApplyWeights(lhs, rhs, n, m, weights);
        double rc = rcond ?? n * 2.220446049250313e-16;
        var (c, rank, s) = ScaledLeastSquares.Solve(lhs, n, m, rhs, rc);
        return new PolynomialFit(c, rank, s, rc, ResidualSumOfSquares(xs, ys, weights, t => PolynomialFit.Horner(c, t)));
    }

    /// <summary>numpy.polyfit on 1-D tensors x [n], y [n] and optional weights [n].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degree"/> is negative.</exception>
    /// <exception cref="ArgumentException">The lengths differ or a value is not finite.</exception>
    public static PolynomialFit Fit(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y, int degree, Overfit.Tensors.Tensor? weights = null)
        => Fit(DenseInput.Vector(x, nameof(x)), DenseInput.Vector(y, nameof(y)), degree, weights is null ? null : DenseInput.Vector(weights, nameof(weights)));

    /// <summary>
    /// Least squares in the Chebyshev basis after mapping [min x, max x] onto [−1, 1]: the basis is nearly orthogonal
    /// there, so high degrees stay full rank where the power basis of <see cref="Fit(double[], double[], int, double[], double?)"/> does not.
    /// </summary>
    public static ChebyshevFit FitChebyshev(double[] x, double[] y, int degree, double[]? weights = null, double? rcond = null)
    {
        var (xs, ys) = Check(x, y, degree, weights);
        int n = xs.Length, m = degree + 1;
        double lo = xs.Min(), hi = xs.Max();
        if (lo == hi) { lo -= 1; hi += 1; }   // numpy's getdomain widens a single point the same way
        var lhs = new double[n * m];
        for (int i = 0; i < n; i++) ChebyshevFit.Basis(ChebyshevFit.Map(xs[i], lo, hi), lhs.AsSpan(i * m, m));
        var rhs = (double[])ys.Clone();
        ApplyWeights(lhs, rhs, n, m, weights);
        double rc = rcond ?? n * 2.220446049250313e-16;
        var (c, rank, s) = ScaledLeastSquares.Solve(lhs, n, m, rhs, rc);
        var fit = new ChebyshevFit(c, lo, hi, rank, s);
        return fit;
    }

    private static (double[] X, double[] Y) Check(double[] x, double[] y, int degree, double[]? weights)
    {
        if (degree < 0) throw new ArgumentOutOfRangeException(nameof(degree), degree, $"degree must be >= 0, got {degree}");
        DenseInput.Vector(x, nameof(x));
        DenseInput.Vector(y, nameof(y));
        if (x.Length != y.Length)
            throw new ArgumentException($"x and y must have the same length, got {x.Length} and {y.Length}", nameof(y));
        DenseInput.CheckFinite(x, 1, nameof(x));
        DenseInput.CheckFinite(y, 1, nameof(y));
        if (weights is not null)
        {
            if (weights.Length != x.Length)
                throw new ArgumentException($"weights must have one value per sample ({x.Length}), got {weights.Length}", nameof(weights));
            DenseInput.CheckFinite(weights, 1, nameof(weights));
        }
        return (x, y);
    }

    private static void ApplyWeights(double[] lhs, double[] rhs, int n, int m, double[]? w)
    {
        if (w is null) return;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++) lhs[i * m + j] *= w[i];
            rhs[i] *= w[i];
        }
    }

    private static double ResidualSumOfSquares(double[] x, double[] y, double[]? w, Func<double, double> f)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = (y[i] - f(x[i])) * (w?[i] ?? 1);
            s += r * r;
        }
        return s;
    }
}

/// <summary>Result of <see cref="Polynomial.Fit(double[], double[], int, double[], double?)"/>: numpy.polyfit's coefficients plus the diagnostics of its full=True output.</summary>
public sealed class PolynomialFit
{
    internal PolynomialFit(double[] coefficients, int rank, double[] singularValues, double rcond, double rss)
    {
        Coefficients = coefficients; Rank = rank; SingularValues = singularValues; Rcond = rcond; ResidualSumOfSquares = rss;
    }

    /// <summary>Coefficients, highest power first (what numpy.poly1d takes).</summary>
    public double[] Coefficients { get; }
    /// <summary>Polynomial degree (coefficient count − 1).</summary>
    public int Degree => Coefficients.Length - 1;
    /// <summary>Numerical rank of the column-scaled Vandermonde matrix.</summary>
    public int Rank { get; }
    /// <summary>Singular values of the column-scaled Vandermonde matrix, descending.</summary>
    public double[] SingularValues { get; }
    /// <summary>Relative singular-value cutoff used by the solve.</summary>
    public double Rcond { get; }
    /// <summary>Σ (w·(y − p(x)))² on the fitted data.</summary>
    public double ResidualSumOfSquares { get; }

    /// <summary>True when the rank is below degree + 1 (numpy's RankWarning): the coefficients are not determined by the data.</summary>
    public bool IsPoorlyConditioned => Rank < Coefficients.Length;

    /// <summary>numpy's RankWarning text when <see cref="IsPoorlyConditioned"/>, else null.</summary>
    public string? Warning => IsPoorlyConditioned
        ? $"Polyfit may be poorly conditioned: the scaled Vandermonde matrix has rank {Rank} < degree + 1 = {Coefficients.Length}. " +
          "Lower the degree, or use Polynomial.FitChebyshev (a Chebyshev basis on the data's range mapped to [-1, 1], like " +
          "numpy.polynomial.Chebyshev.fit), which stays well conditioned."
        : null;

    /// <summary>p(x) by Horner's rule.</summary>
    public double Evaluate(double x) => Horner(Coefficients, x);

    /// <summary>p at every point of <paramref name="x"/>.</summary>
    public double[] Evaluate(double[] x) => x.Select(Evaluate).ToArray();

    internal static double Horner(double[] c, double x)
    {
        double v = 0;
        foreach (var a in c) v = v * x + a;
        return v;
    }
}

/// <summary>Result of <see cref="Polynomial.FitChebyshev"/>: coefficients of T_0..T_deg on the mapped variable.</summary>
public sealed class ChebyshevFit
{
    internal ChebyshevFit(double[] coefficients, double domainMin, double domainMax, int rank, double[] singularValues)
    {
        Coefficients = coefficients; DomainMin = domainMin; DomainMax = domainMax; Rank = rank; SingularValues = singularValues;
    }

    /// <summary>Chebyshev coefficients, lowest order first (numpy's Chebyshev.coef).</summary>
    public double[] Coefficients { get; }
    /// <summary>Lower end of the data range mapped to −1.</summary>
    public double DomainMin { get; }
    /// <summary>Upper end of the data range mapped to 1.</summary>
    public double DomainMax { get; }
    /// <summary>Numerical rank of the column-scaled Chebyshev design matrix.</summary>
    public int Rank { get; }
    /// <summary>Singular values of the column-scaled design matrix, descending.</summary>
    public double[] SingularValues { get; }
    /// <summary>Degree of the series (coefficient count − 1).</summary>
    public int Degree => Coefficients.Length - 1;
    /// <summary>True when the rank is below degree + 1.</summary>
    public bool IsPoorlyConditioned => Rank < Coefficients.Length;

    /// <summary>Clenshaw recurrence at the mapped point.</summary>
    public double Evaluate(double x)
    {
        double t = Map(x, DomainMin, DomainMax), b1 = 0, b2 = 0;
        for (int k = Coefficients.Length - 1; k >= 1; k--)
        {
            double b0 = 2 * t * b1 - b2 + Coefficients[k];
            b2 = b1; b1 = b0;
        }
        return t * b1 - b2 + Coefficients[0];
    }

    /// <summary>The series at every point of <paramref name="x"/>.</summary>
    public double[] Evaluate(double[] x) => x.Select(Evaluate).ToArray();

    /// <summary>numpy's mapdomain onto the window [−1, 1]: off + scl·x.</summary>
    internal static double Map(double x, double lo, double hi)
    {
        double off = (-hi - lo) / (hi - lo), scl = 2 / (hi - lo);
        return off + scl * x;
    }

    internal static void Basis(double t, Span<double> row)
    {
        row[0] = 1;
        if (row.Length > 1) row[1] = t;
        for (int k = 2; k < row.Length; k++) row[k] = 2 * t * row[k - 1] - row[k - 2];
    }
}
