namespace Overfit.GaussianProcesses;

/// <summary>k(x, x') = c (scikit-learn's ConstantKernel, hyperparameter "constant_value").</summary>
public sealed partial class ConstantKernel : Kernel
{
    private readonly Hyperparameter _c;

    public ConstantKernel(double constantValue = 1.0, double lower = 1e-5, double upper = 1e5, bool isFixed = false, Prior? prior = null)
        => _c = new Hyperparameter("constant_value", [constantValue], lower, upper, isFixed, prior);

    private ConstantKernel(Hyperparameter c) => _c = c;

    public double ConstantValue => _c.Values[0];
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [_c];
    public override Kernel Clone() => new ConstantKernel(_c.CloneDeep());
    public override bool IsStationary => true;

    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k) => k[..(n * m)].Fill(ConstantValue);
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k) => k[..(n * n)].Fill(ConstantValue);
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => diag[..n].Fill(ConstantValue);

    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        if (!_c.IsFixed) grads[..(n * n)].Fill(ConstantValue); // dc/dlog c = c
    }

    public override void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        if (_c.IsFixed) return;
        double s = 0;
        foreach (double v in w[..(n * n)]) s += v;
        grad[0] += ConstantValue * s;
    }

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

    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad) => grad[..(m * d)].Clear();
}
