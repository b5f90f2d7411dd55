using System.Numerics.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// k(x, x') = k₀(x, x')^p (scikit-learn's Exponentiation, <c>kernel ** exponent</c>). The exponent is fixed; the
/// hyperparameters are the base kernel's, renamed kernel__name, and every gradient follows the chain rule
/// ∂k = p·k₀^(p−1)·∂k₀.
/// </summary>
public sealed class Exponentiation : Kernel
{
    /// <summary>k₀^<paramref name="exponent"/> (like sklearn.gaussian_process.kernels.Exponentiation).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="kernel"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exponent"/> is not finite.</exception>
    public Exponentiation(Kernel kernel, double exponent)
    {
        Base = kernel ?? throw new ArgumentNullException(nameof(kernel));
        if (!double.IsFinite(exponent)) throw new ArgumentOutOfRangeException(nameof(exponent), $"exponent must be finite, got {exponent}");
        Exponent = exponent;
    }

    /// <summary>The kernel raised to the power (scikit-learn's kernel).</summary>
    public Kernel Base { get; }

    /// <summary>The fixed exponent p.</summary>
    public double Exponent { get; }

    private readonly RenamedHyperparameters _hyperparameters = new();

    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => _hyperparameters.Get(Base, "kernel__");

    /// <inheritdoc/>
    public override bool IsStationary => Base.IsStationary;

    /// <inheritdoc/>
    public override Kernel Clone() => new Exponentiation(Base.Clone(), Exponent);

    /// <inheritdoc/>
    public override string ToString() => $"{Base} ** {Exponent}";

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        Base.Evaluate(x, n, y, m, d, k);
        Power(k[..(n * m)]);
    }

    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        Base.EvaluateSymmetric(x, n, d, k);
        Power(k[..(n * n)]);
    }

    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag)
    {
        Base.Diagonal(x, n, d, diag);
        Power(diag[..n]);
    }

    private void Power(Span<double> values) => TensorPrimitives.Pow(values, Exponent, values);

    /// <summary>p·k₀^(p−1), the factor every gradient of k₀ is multiplied by.</summary>
    private double[] ChainFactor(double[] baseValues)
    {
        var f = new double[baseValues.Length];
        TensorPrimitives.Pow(baseValues, Exponent - 1, f);
        TensorPrimitives.Multiply(f, Exponent, f);
        return f;
    }

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        int p = ThetaCount;
        if (p == 0) return;
        var k0 = new double[n * n];
        Base.EvaluateSymmetric(x, n, d, k0);
        var factor = ChainFactor(k0);
        Base.HyperparameterGradients(x, n, d, grads);
        for (int t = 0; t < p; t++) TensorPrimitives.Multiply(grads.Slice(t * n * n, n * n), factor, grads.Slice(t * n * n, n * n));
    }

    /// <summary>Σ W_ij·p·k₀_ij^(p−1)·∂k₀_ij: the base kernel's own contraction with weights W ∘ p·k₀^(p−1).</summary>
    public override void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        if (ThetaCount == 0) return;
        var k0 = new double[n * n];
        Base.EvaluateSymmetric(x, n, d, k0);
        var weights = ChainFactor(k0);
        TensorPrimitives.Multiply(weights, w[..(n * n)], weights);
        Base.ContractHyperparameterGradients(x, n, d, weights, grad);
    }

    /// <inheritdoc/>
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad)
    {
        var k0 = new double[m];
        Base.Evaluate(x, 1, y, m, d, k0);
        var factor = ChainFactor(k0);
        Base.InputGradient(x, y, m, d, grad);
        for (int j = 0; j < m; j++) TensorPrimitives.Multiply(grad.Slice(j * d, d), factor[j], grad.Slice(j * d, d));
    }
}
