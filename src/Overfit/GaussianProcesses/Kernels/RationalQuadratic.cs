namespace Overfit.GaussianProcesses;

/// <summary>
/// k = (1 + d²/(2αl²))^(−α), a scale mixture of RBFs (scikit-learn's RationalQuadratic; theta order: alpha, length_scale).
/// </summary>
public sealed class RationalQuadratic : Kernel
{
    private readonly Hyperparameter _alpha, _lengthScale;

    /// <summary>Rational quadratic kernel (like sklearn.gaussian_process.kernels.RationalQuadratic); both hyperparameters share the bounds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive and finite, or the bounds are not 0 &lt; lower ≤ upper.</exception>
    public RationalQuadratic(double lengthScale = 1.0, double alpha = 1.0, double lower = 1e-5, double upper = 1e5,
        bool fixedLengthScale = false, bool fixedAlpha = false, Prior? lengthScalePrior = null, Prior? alphaPrior = null)
    {
        _lengthScale = new Hyperparameter("length_scale", [lengthScale], lower, upper, fixedLengthScale, lengthScalePrior);
        _alpha = new Hyperparameter("alpha", [alpha], lower, upper, fixedAlpha, alphaPrior);
    }

    private RationalQuadratic(Hyperparameter alpha, Hyperparameter lengthScale) { _alpha = alpha; _lengthScale = lengthScale; }

    /// <summary>The current length scale l.</summary>
    public double LengthScale => _lengthScale.Values[0];
    /// <summary>The current scale-mixture parameter α.</summary>
    public double Alpha => _alpha.Values[0];
    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [_alpha, _lengthScale];
    /// <inheritdoc/>
    public override Kernel Clone() => new RationalQuadratic(_alpha.CloneDeep(), _lengthScale.CloneDeep());
    /// <inheritdoc/>
    public override bool IsStationary => true;

    private static double Sq(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int c = 0; c < a.Length; c++) { double t = a[c] - b[c]; s += t * t; }
        return s;
    }

    private double Value(double d2) => Math.Pow(1 + d2 / (2 * Alpha * LengthScale * LengthScale), -Alpha);

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) k[i * m + j] = Value(Sq(x.Slice(i * d, d), y.Slice(j * d, d)));
    }

    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k) => Evaluate(x, n, x, n, d, k);
    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => diag[..n].Fill(1.0);

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        double a = Alpha, l2 = LengthScale * LengthScale;
        int t = 0;
        if (!_alpha.IsFixed)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double d2 = Sq(x.Slice(i * d, d), x.Slice(j * d, d)), b = 1 + d2 / (2 * a * l2), kv = Math.Pow(b, -a);
                    grads[i * n + j] = kv * (-a * Math.Log(b) + d2 / (2 * l2 * b));
                }
            t++;
        }
        if (!_lengthScale.IsFixed)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double d2 = Sq(x.Slice(i * d, d), x.Slice(j * d, d)), b = 1 + d2 / (2 * a * l2);
                    grads[(t * n + i) * n + j] = d2 * Math.Pow(b, -a) / (l2 * b);
                }
        }
    }

    /// <inheritdoc/>
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad)
    {
        double a = Alpha, l2 = LengthScale * LengthScale;
        for (int j = 0; j < m; j++)
        {
            var yj = y.Slice(j * d, d);
            double b = 1 + Sq(x, yj) / (2 * a * l2), f = -Math.Pow(b, -a - 1) / l2;
            for (int c = 0; c < d; c++) grad[j * d + c] = f * (x[c] - yj[c]);
        }
    }
}
