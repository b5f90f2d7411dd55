namespace Overfit.GaussianProcesses;

/// <summary>k(x, x') = c (scikit-learn's ConstantKernel, hyperparameter "constant_value").</summary>
public sealed partial class ConstantKernel : Kernel
{
    private readonly Hyperparameter _c;

    /// <summary>k(x, x') = constantValue (like sklearn.gaussian_process.kernels.ConstantKernel).</summary>
    /// <param name="constantValue">The constant c &gt; 0 (default 1).</param>
    /// <param name="lower">Lower bound of c for fitting.</param>
    /// <param name="upper">Upper bound of c for fitting.</param>
    /// <param name="isFixed">Keep c out of the fit.</param>
    /// <param name="prior">Optional prior on c.</param>
    /// <exception cref="ArgumentOutOfRangeException">c is not positive and finite, or the bounds are not 0 &lt; lower ≤ upper.</exception>
    public ConstantKernel(double constantValue = 1.0, double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        => _c = new Hyperparameter("constant_value", [constantValue], lower, upper, isFixed, prior);

    private ConstantKernel(Hyperparameter c) => _c = c;

    /// <summary>The current constant c.</summary>
    public double ConstantValue => _c.Values[0];
    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [_c];
    /// <inheritdoc/>
    public override Kernel Clone() => new ConstantKernel(_c.CloneDeep());
    /// <inheritdoc/>
    public override bool IsStationary => true;

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k) => k[..(n * m)].Fill(ConstantValue);
    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k) => k[..(n * n)].Fill(ConstantValue);
    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => diag[..n].Fill(ConstantValue);

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        if (!_c.IsFixed) grads[..(n * n)].Fill(ConstantValue); // dc/dlog c = c
    }

    /// <inheritdoc/>
    public override void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        if (_c.IsFixed) return;
        double s = 0;
        foreach (double v in w[..(n * n)]) s += v;
        grad[0] += ConstantValue * s;
    }

    /// <inheritdoc/>
    public override double ContractValueAndGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        double v = ConstantValue * System.Numerics.Tensors.TensorPrimitives.Sum(w[..(n * n)]);
        if (!_c.IsFixed) grad[0] += v;
        return v;
    }

    internal override bool SupportsLowerWeights => true;

    internal override double ContractLowerWeights(ReadOnlySpan<double> x, int n, int d, LowerWeights w, Span<double> grad)
    {
        double v = ConstantValue * w.Sum();
        if (!_c.IsFixed) grad[0] += v;
        return v;
    }

    /// <inheritdoc/>
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad) => grad[..(m * d)].Clear();
}
