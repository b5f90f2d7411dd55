namespace Overfit.GaussianProcesses;

/// <summary>
/// Linear kernel k(x, x') = σ₀² + x·x' (scikit-learn's DotProduct, "sigma_0"). Multiply by a ConstantKernel
/// for the slope variance of the Bayesian linear regression form σ_b² + σ_v² x·x'.
/// </summary>
public sealed class DotProduct : Kernel
{
    private readonly Hyperparameter _sigma0;

    /// <summary>k(x, x') = σ₀² + x·x' (like sklearn.gaussian_process.kernels.DotProduct).</summary>
    /// <param name="sigma0">The inhomogeneity σ₀ &gt; 0 (default 1).</param>
    /// <param name="lower">Lower bound of σ₀ for fitting.</param>
    /// <param name="upper">Upper bound of σ₀ for fitting.</param>
    /// <param name="isFixed">Keep σ₀ out of the fit.</param>
    /// <param name="prior">Optional prior on σ₀.</param>
    /// <exception cref="ArgumentOutOfRangeException">σ₀ is not positive and finite, or the bounds are not 0 &lt; lower ≤ upper.</exception>
    public DotProduct(double sigma0 = 1.0, double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        => _sigma0 = new Hyperparameter("sigma_0", [sigma0], lower, upper, isFixed, prior);

    private DotProduct(Hyperparameter s) => _sigma0 = s;

    /// <summary>The current σ₀.</summary>
    public double Sigma0 => _sigma0.Values[0];
    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [_sigma0];
    /// <inheritdoc/>
    public override Kernel Clone() => new DotProduct(_sigma0.CloneDeep());

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        double s2 = Sigma0 * Sigma0;
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * d, d);
            for (int j = 0; j < m; j++)
            {
                var yj = y.Slice(j * d, d);
                double dot = 0;
                for (int c = 0; c < d; c++) dot += xi[c] * yj[c];
                k[i * m + j] = s2 + dot;
            }
        }
    }

    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k) => Evaluate(x, n, x, n, d, k);

    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag)
    {
        double s2 = Sigma0 * Sigma0;
        for (int i = 0; i < n; i++)
        {
            double dot = 0;
            for (int c = 0; c < d; c++) dot += x[i * d + c] * x[i * d + c];
            diag[i] = s2 + dot;
        }
    }

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        if (!_sigma0.IsFixed) grads[..(n * n)].Fill(2 * Sigma0 * Sigma0);
    }

    /// <inheritdoc/>
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad) => y[..(m * d)].CopyTo(grad);
}
