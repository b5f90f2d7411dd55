namespace Overfit.GaussianProcesses;

/// <summary>
/// Periodic kernel k = exp(−2 sin²(π d / p) / l²) with d the Euclidean distance
/// (scikit-learn's ExpSineSquared; theta order: length_scale, periodicity).
/// </summary>
public sealed class ExpSineSquared : Kernel
{
    private readonly Hyperparameter _lengthScale, _periodicity;

    /// <summary>Periodic kernel (like sklearn.gaussian_process.kernels.ExpSineSquared); both hyperparameters share the bounds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive and finite, or the bounds are not 0 &lt; lower ≤ upper.</exception>
    public ExpSineSquared(double lengthScale = 1.0, double periodicity = 1.0, double lower = 1e-5, double upper = 1e5,
        bool fixedLengthScale = false, bool fixedPeriodicity = false, Prior? lengthScalePrior = null, Prior? periodicityPrior = null)
    {
        _lengthScale = new Hyperparameter("length_scale", [lengthScale], lower, upper, fixedLengthScale, lengthScalePrior);
        _periodicity = new Hyperparameter("periodicity", [periodicity], lower, upper, fixedPeriodicity, periodicityPrior);
    }

    private ExpSineSquared(Hyperparameter l, Hyperparameter p) { _lengthScale = l; _periodicity = p; }

    /// <summary>The current length scale l.</summary>
    public double LengthScale => _lengthScale.Values[0];
    /// <summary>The current period p, in input units.</summary>
    public double Periodicity => _periodicity.Values[0];
    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [_lengthScale, _periodicity];
    /// <inheritdoc/>
    public override Kernel Clone() => new ExpSineSquared(_lengthScale.CloneDeep(), _periodicity.CloneDeep());
    /// <inheritdoc/>
    public override bool IsStationary => true;

    private static double Dist(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int c = 0; c < a.Length; c++) { double t = a[c] - b[c]; s += t * t; }
        return Math.Sqrt(s);
    }

    private double Value(double dist)
    {
        double s = Math.Sin(Math.PI * dist / Periodicity);
        return Math.Exp(-2 * s * s / (LengthScale * LengthScale));
    }

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) k[i * m + j] = Value(Dist(x.Slice(i * d, d), y.Slice(j * d, d)));
    }

    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k) => Evaluate(x, n, x, n, d, k);
    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => diag[..n].Fill(1.0);

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        double l2 = LengthScale * LengthScale;
        int t = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            if (pass == 0 ? _lengthScale.IsFixed : _periodicity.IsFixed) continue;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double dist = Dist(x.Slice(i * d, d), x.Slice(j * d, d)), arg = Math.PI * dist / Periodicity;
                    double s = Math.Sin(arg), kv = Math.Exp(-2 * s * s / l2);
                    grads[(t * n + i) * n + j] = pass == 0 ? 4 / l2 * s * s * kv : 4 * arg / l2 * Math.Cos(arg) * s * kv;
                }
            t++;
        }
    }

    /// <inheritdoc/>
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad)
    {
        double l2 = LengthScale * LengthScale;
        for (int j = 0; j < m; j++)
        {
            var yj = y.Slice(j * d, d);
            double dist = Dist(x, yj), arg = Math.PI * dist / Periodicity, s = Math.Sin(arg);
            // dk/dd = k·(−4/l²)·sin·cos·π/p; dd/dx = (x − y)/d, taken as 0 at d = 0 where k is flat.
            double f = dist > 0 ? Math.Exp(-2 * s * s / l2) * (-4 / l2) * s * Math.Cos(arg) * Math.PI / Periodicity / dist : 0;
            for (int c = 0; c < d; c++) grad[j * d + c] = f * (x[c] - yj[c]);
        }
    }
}
