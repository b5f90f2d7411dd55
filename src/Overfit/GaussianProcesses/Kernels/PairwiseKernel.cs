namespace Overfit.GaussianProcesses;

/// <summary>The pairwise kernels <see cref="PairwiseKernel"/> wraps (scikit-learn's metric names).</summary>
public enum PairwiseMetric
{
    /// <summary>x·x' (gamma unused, as scikit-learn filters it out).</summary>
    Linear,
    /// <summary>(γ·x·x' + coef0)^degree.</summary>
    Polynomial,
    /// <summary>tanh(γ·x·x' + coef0); not positive semidefinite in general, as in scikit-learn.</summary>
    Sigmoid,
}

/// <summary>
/// scikit-learn's PairwiseKernel for the dot-product kernels of sklearn.metrics.pairwise: linear, polynomial and
/// sigmoid of s = x·x', with gamma as the one (log-space) hyperparameter. Gradients are analytic: ∂k/∂log γ = k′(u)·γs
/// with u = γs + coef0, and ∂k/∂x = k′(u)·γ·x' (x' for the linear kernel).
/// </summary>
public sealed class PairwiseKernel : Kernel
{
    private readonly Hyperparameter _gamma;

    /// <summary>A dot-product kernel of sklearn.metrics.pairwise (like sklearn.gaussian_process.kernels.PairwiseKernel).</summary>
    /// <param name="metric">Linear, Polynomial or Sigmoid.</param>
    /// <param name="gamma">Scale γ &gt; 0 of x·x' (default 1).</param>
    /// <param name="degree">Exponent of the polynomial kernel (default 3).</param>
    /// <param name="coef0">Offset of the polynomial and sigmoid kernels (default 1).</param>
    /// <param name="lower">Lower bound of γ for fitting.</param>
    /// <param name="upper">Upper bound of γ for fitting.</param>
    /// <param name="isFixed">Keep γ out of the fit.</param>
    /// <param name="prior">Optional prior on γ.</param>
    /// <exception cref="ArgumentOutOfRangeException">The metric is undefined, degree or coef0 not finite, γ not positive, or bad bounds.</exception>
    public PairwiseKernel(PairwiseMetric metric = PairwiseMetric.Linear, double gamma = 1.0, double degree = 3, double coef0 = 1,
        double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        : this(new Hyperparameter("gamma", [gamma], lower, upper, isFixed, prior), metric, degree, coef0) { }

    private PairwiseKernel(Hyperparameter gamma, PairwiseMetric metric, double degree, double coef0)
    {
        if (!Enum.IsDefined(metric)) throw new ArgumentOutOfRangeException(nameof(metric), $"metric must be Linear, Polynomial or Sigmoid, got {metric}");
        if (!double.IsFinite(degree)) throw new ArgumentOutOfRangeException(nameof(degree), $"degree must be finite, got {degree}");
        if (!double.IsFinite(coef0)) throw new ArgumentOutOfRangeException(nameof(coef0), $"coef0 must be finite, got {coef0}");
        _gamma = gamma; Metric = metric; Degree = degree; Coef0 = coef0;
    }

    /// <summary>Which pairwise kernel.</summary>
    public PairwiseMetric Metric { get; }
    /// <summary>The current γ.</summary>
    public double Gamma => _gamma.Values[0];
    /// <summary>Exponent of the polynomial kernel.</summary>
    public double Degree { get; }
    /// <summary>Offset added to γ·x·x' by the polynomial and sigmoid kernels.</summary>
    public double Coef0 { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [_gamma];
    /// <inheritdoc/>
    public override Kernel Clone() => new PairwiseKernel(_gamma.CloneDeep(), Metric, Degree, Coef0);
    /// <inheritdoc/>
    public override string ToString() => $"PairwiseKernel(gamma={Gamma:G5}, metric={Metric.ToString().ToLowerInvariant()})";

    /// <summary>k and dk/du at u = γs + coef0 (for the linear kernel: s and 1).</summary>
    private (double Value, double Slope) At(double s)
    {
        double u = Gamma * s + Coef0;
        switch (Metric)
        {
            case PairwiseMetric.Linear: return (s, 1);
            case PairwiseMetric.Polynomial:
                double up = Math.Pow(u, Degree - 1);
                return (up * u, Degree * up);
            default:
                double t = Math.Tanh(u);
                return (t, 1 - t * t);
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) k[i * m + j] = At(Dot(x.Slice(i * d, d), y.Slice(j * d, d))).Value;
    }

    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) k[i * n + j] = k[j * n + i] = At(Dot(x.Slice(i * d, d), x.Slice(j * d, d))).Value;
    }

    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag)
    {
        for (int i = 0; i < n; i++) diag[i] = At(Dot(x.Slice(i * d, d), x.Slice(i * d, d))).Value;
    }

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        if (_gamma.IsFixed) return;
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = Dot(x.Slice(i * d, d), x.Slice(j * d, d));
                grads[i * n + j] = grads[j * n + i] = Metric == PairwiseMetric.Linear ? 0 : At(s).Slope * Gamma * s;
            }
    }

    /// <inheritdoc/>
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad)
    {
        for (int j = 0; j < m; j++)
        {
            var yj = y.Slice(j * d, d);
            double scale = Metric == PairwiseMetric.Linear ? 1 : At(Dot(x[..d], yj)).Slope * Gamma;
            System.Numerics.Tensors.TensorPrimitives.Multiply(yj, scale, grad.Slice(j * d, d));
        }
    }
}
