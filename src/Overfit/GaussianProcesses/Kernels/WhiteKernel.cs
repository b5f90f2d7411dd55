namespace Overfit.GaussianProcesses;

/// <summary>
/// Independent noise: K(X) = σ²·I, but K(X, Y) = 0 for two input sets (scikit-learn's WhiteKernel, "noise_level"),
/// so predictions at training inputs are of the noise-free function.
/// </summary>
public sealed partial class WhiteKernel : Kernel
{
    private readonly Hyperparameter _noise;

    /// <summary>White noise σ²·I (like sklearn.gaussian_process.kernels.WhiteKernel).</summary>
    /// <param name="noiseLevel">Noise variance σ² &gt; 0 (default 1).</param>
    /// <param name="lower">Lower bound of σ² for fitting.</param>
    /// <param name="upper">Upper bound of σ² for fitting.</param>
    /// <param name="isFixed">Keep σ² out of the fit.</param>
    /// <param name="prior">Optional prior on σ².</param>
    /// <exception cref="ArgumentOutOfRangeException">σ² is not positive and finite, or the bounds are not 0 &lt; lower ≤ upper.</exception>
    public WhiteKernel(double noiseLevel = 1.0, double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        => _noise = new Hyperparameter("noise_level", [noiseLevel], lower, upper, isFixed, prior);

    private WhiteKernel(Hyperparameter noise) => _noise = noise;

    /// <summary>The current noise variance σ².</summary>
    public double NoiseLevel => _noise.Values[0];
    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [_noise];
    /// <inheritdoc/>
    public override Kernel Clone() => new WhiteKernel(_noise.CloneDeep());
    /// <inheritdoc/>
    public override bool IsStationary => true;

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k) => k[..(n * m)].Clear();

    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        k[..(n * n)].Clear();
        for (int i = 0; i < n; i++) k[i * n + i] = NoiseLevel;
    }

    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => diag[..n].Fill(NoiseLevel);

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        if (_noise.IsFixed) return;
        EvaluateSymmetric(x, n, d, grads);
    }

    /// <inheritdoc/>
    public override void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        if (_noise.IsFixed) return;
        double tr = 0;
        for (int i = 0; i < n; i++) tr += w[i * n + i];
        grad[0] += NoiseLevel * tr;
    }

    /// <inheritdoc/>
    public override double ContractValueAndGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        double tr = 0;
        for (int i = 0; i < n; i++) tr += w[i * n + i];
        if (!_noise.IsFixed) grad[0] += NoiseLevel * tr;
        return NoiseLevel * tr;
    }

    internal override bool SupportsLowerWeights => true;

    internal override double ContractLowerWeights(ReadOnlySpan<double> x, int n, int d, LowerWeights w, Span<double> grad)
    {
        double v = NoiseLevel * w.Trace();
        if (!_noise.IsFixed) grad[0] += v;
        return v;
    }

    /// <inheritdoc/>
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad) => grad[..(m * d)].Clear();
}
