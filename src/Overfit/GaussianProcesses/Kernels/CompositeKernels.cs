namespace Overfit.GaussianProcesses;

/// <summary>Base of k1 ⊕ k2: hyperparameters are k1's then k2's, renamed k1__name / k2__name like scikit-learn.</summary>
public abstract class BinaryKernel : Kernel
{
    private protected BinaryKernel(Kernel k1, Kernel k2)
    {
        K1 = k1 ?? throw new ArgumentNullException(nameof(k1));
        K2 = k2 ?? throw new ArgumentNullException(nameof(k2));
    }

    /// <summary>The left operand k1.</summary>
    public Kernel K1 { get; }
    /// <summary>The right operand k2.</summary>
    public Kernel K2 { get; }

    private readonly RenamedHyperparameters _hyperparameters = new();

    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => _hyperparameters.Get(K1, "k1__", K2, "k2__");

    /// <inheritdoc/>
    public override bool IsStationary => K1.IsStationary && K2.IsStationary;

    private protected (int P1, int P2) Counts() => (K1.ThetaCount, K2.ThetaCount);
}

/// <summary>k = k1 + k2.</summary>
public sealed partial class SumKernel(Kernel k1, Kernel k2) : BinaryKernel(k1, k2)
{
    /// <inheritdoc/>
    public override Kernel Clone() => new SumKernel(K1.Clone(), K2.Clone());
    /// <inheritdoc/>
    public override string ToString() => $"{K1} + {K2}";

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        K1.Evaluate(x, n, y, m, d, k);
        // White noise is zero between two input sets and a constant adds in place: no n×m temporary.
        if (K2 is WhiteKernel) return;
        if (K2 is ConstantKernel constant) { System.Numerics.Tensors.TensorPrimitives.Add(k[..(n * m)], constant.ConstantValue, k[..(n * m)]); return; }
        var t = new double[n * m];
        K2.Evaluate(x, n, y, m, d, t);
        System.Numerics.Tensors.TensorPrimitives.Add(k[..(n * m)], t, k[..(n * m)]);
    }

    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        K1.EvaluateSymmetric(x, n, d, k);
        // Noise and constant terms are added in place: no n×n temporary.
        if (K2 is WhiteKernel white) { for (int i = 0; i < n; i++) k[i * n + i] += white.NoiseLevel; return; }
        if (K2 is ConstantKernel constant) { System.Numerics.Tensors.TensorPrimitives.Add(k[..(n * n)], constant.ConstantValue, k[..(n * n)]); return; }
        var t = System.Buffers.ArrayPool<double>.Shared.Rent(n * n);
        try
        {
            K2.EvaluateSymmetric(x, n, d, t);
            System.Numerics.Tensors.TensorPrimitives.Add(k[..(n * n)], t.AsSpan(0, n * n), k[..(n * n)]);
        }
        finally { System.Buffers.ArrayPool<double>.Shared.Return(t); }
    }

    internal override void EvaluateLowerTriangle(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        if (K2 is WhiteKernel white) { K1.EvaluateLowerTriangle(x, n, d, k); for (int i = 0; i < n; i++) k[i * n + i] += white.NoiseLevel; return; }
        if (K2 is ConstantKernel constant)
        {
            K1.EvaluateLowerTriangle(x, n, d, k);
            for (int i = 0; i < n; i++) System.Numerics.Tensors.TensorPrimitives.Add(k.Slice(i * n, i + 1), constant.ConstantValue, k.Slice(i * n, i + 1));
            return;
        }
        EvaluateSymmetric(x, n, d, k);
    }

    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag)
    {
        K1.Diagonal(x, n, d, diag);
        var t = new double[n];
        K2.Diagonal(x, n, d, t);
        System.Numerics.Tensors.TensorPrimitives.Add(diag[..n], t, diag[..n]);
    }

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        var (p1, p2) = Counts();
        K1.HyperparameterGradients(x, n, d, grads[..(p1 * n * n)]);
        K2.HyperparameterGradients(x, n, d, grads.Slice(p1 * n * n, p2 * n * n));
    }

    /// <inheritdoc/>
    public override void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
        => ContractValueAndGradients(x, n, d, w, grad);

    /// <inheritdoc/>
    public override double ContractValueAndGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        var (p1, p2) = Counts();
        return K1.ContractValueAndGradients(x, n, d, w, grad[..p1]) + K2.ContractValueAndGradients(x, n, d, w, grad.Slice(p1, p2));
    }

    internal override bool SupportsLowerWeights => K1.SupportsLowerWeights && K2.SupportsLowerWeights;

    internal override double ContractLowerWeights(ReadOnlySpan<double> x, int n, int d, LowerWeights w, Span<double> grad)
    {
        var (p1, p2) = Counts();
        return K1.ContractLowerWeights(x, n, d, w, grad[..p1]) + K2.ContractLowerWeights(x, n, d, w, grad.Slice(p1, p2));
    }

    /// <inheritdoc/>
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad)
    {
        K1.InputGradient(x, y, m, d, grad);
        var t = new double[m * d];
        K2.InputGradient(x, y, m, d, t);
        System.Numerics.Tensors.TensorPrimitives.Add(grad[..(m * d)], t, grad[..(m * d)]);
    }
}

/// <summary>k = k1 · k2 (elementwise); ∂k = ∂k1·k2 + k1·∂k2.</summary>
public sealed partial class ProductKernel(Kernel k1, Kernel k2) : BinaryKernel(k1, k2)
{
    /// <inheritdoc/>
    public override Kernel Clone() => new ProductKernel(K1.Clone(), K2.Clone());
    /// <inheritdoc/>
    public override string ToString() => $"{Wrap(K1)} * {Wrap(K2)}";
    private static string Wrap(Kernel k) => k is SumKernel ? $"({k})" : k.ToString()!;

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        int nm = n * m;
        // A constant factor scales in place: no n×m temporary.
        if (K1 is ConstantKernel c1) { K2.Evaluate(x, n, y, m, d, k); System.Numerics.Tensors.TensorPrimitives.Multiply(k[..nm], c1.ConstantValue, k[..nm]); return; }
        K1.Evaluate(x, n, y, m, d, k);
        if (K2 is ConstantKernel c2) { System.Numerics.Tensors.TensorPrimitives.Multiply(k[..nm], c2.ConstantValue, k[..nm]); return; }
        var t = new double[nm];
        K2.Evaluate(x, n, y, m, d, t);
        System.Numerics.Tensors.TensorPrimitives.Multiply(k[..nm], t, k[..nm]);
    }

    /// <inheritdoc/>
    public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        int nn = n * n;
        // A constant factor scales in place: no n×n temporary.
        if (K1 is ConstantKernel c1) { K2.EvaluateSymmetric(x, n, d, k); System.Numerics.Tensors.TensorPrimitives.Multiply(k[..nn], c1.ConstantValue, k[..nn]); return; }
        K1.EvaluateSymmetric(x, n, d, k);
        if (K2 is ConstantKernel c2) { System.Numerics.Tensors.TensorPrimitives.Multiply(k[..nn], c2.ConstantValue, k[..nn]); return; }
        var t = System.Buffers.ArrayPool<double>.Shared.Rent(nn);
        try
        {
            K2.EvaluateSymmetric(x, n, d, t);
            System.Numerics.Tensors.TensorPrimitives.Multiply(k[..nn], t.AsSpan(0, nn), k[..nn]);
        }
        finally { System.Buffers.ArrayPool<double>.Shared.Return(t); }
    }

    internal override void EvaluateLowerTriangle(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        // A constant factor scales the rows' lower parts in place.
        Kernel? other = K1 is ConstantKernel ? K2 : K2 is ConstantKernel ? K1 : null;
        if (other is null) { EvaluateSymmetric(x, n, d, k); return; }
        double c = K1 is ConstantKernel c1 ? c1.ConstantValue : ((ConstantKernel)K2).ConstantValue;
        other.EvaluateLowerTriangle(x, n, d, k);
        for (int i = 0; i < n; i++) System.Numerics.Tensors.TensorPrimitives.Multiply(k.Slice(i * n, i + 1), c, k.Slice(i * n, i + 1));
    }

    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag)
    {
        K1.Diagonal(x, n, d, diag);
        var t = new double[n];
        K2.Diagonal(x, n, d, t);
        System.Numerics.Tensors.TensorPrimitives.Multiply(diag[..n], t, diag[..n]);
    }

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        var (p1, p2) = Counts();
        int nn = n * n;
        var k1 = new double[nn];
        var k2 = new double[nn];
        K1.EvaluateSymmetric(x, n, d, k1);
        K2.EvaluateSymmetric(x, n, d, k2);
        K1.HyperparameterGradients(x, n, d, grads[..(p1 * nn)]);
        for (int t = 0; t < p1; t++) System.Numerics.Tensors.TensorPrimitives.Multiply(grads.Slice(t * nn, nn), k2, grads.Slice(t * nn, nn));
        K2.HyperparameterGradients(x, n, d, grads.Slice(p1 * nn, p2 * nn));
        for (int t = p1; t < p1 + p2; t++) System.Numerics.Tensors.TensorPrimitives.Multiply(grads.Slice(t * nn, nn), k1, grads.Slice(t * nn, nn));
    }

    /// <inheritdoc/>
    public override void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
        => ContractValueAndGradients(x, n, d, w, grad);

    /// <inheritdoc/>
    public override double ContractValueAndGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        var (p1, p2) = Counts();
        // A constant factor c (the usual amplitude) needs no n×n buffer: Σ W∘(c·K) = c·Σ W∘K and
        // ∂(c·K)/∂log c = c·K, so one contraction of the other factor gives both parts.
        if (K1 is ConstantKernel c1) return ScaledByConstant(c1.ConstantValue, p1 > 0, K2, x, n, d, w, grad[..p1], grad.Slice(p1, p2));
        if (K2 is ConstantKernel c2) return ScaledByConstant(c2.ConstantValue, p2 > 0, K1, x, n, d, w, grad.Slice(p1, p2), grad[..p1]);
        // General case: Σ W∘(∂k1∘k2) = Σ (W∘k2)∘∂k1, so each factor gets W scaled by the other one.
        int nn = n * n;
        var buf = new double[nn];
        K2.EvaluateSymmetric(x, n, d, buf);
        System.Numerics.Tensors.TensorPrimitives.Multiply(buf, w[..nn], buf);
        double value = K1.ContractValueAndGradients(x, n, d, buf, grad[..p1]);
        if (p2 > 0)
        {
            K1.EvaluateSymmetric(x, n, d, buf);
            System.Numerics.Tensors.TensorPrimitives.Multiply(buf, w[..nn], buf);
            K2.ContractHyperparameterGradients(x, n, d, buf, grad.Slice(p1, p2));
        }
        return value;
    }

    internal override bool SupportsLowerWeights =>
        (K1 is ConstantKernel && K2.SupportsLowerWeights) || (K2 is ConstantKernel && K1.SupportsLowerWeights);

    internal override double ContractLowerWeights(ReadOnlySpan<double> x, int n, int d, LowerWeights w, Span<double> grad)
    {
        var (p1, p2) = Counts();
        bool constantFirst = K1 is ConstantKernel && K2.SupportsLowerWeights;
        double c = constantFirst ? ((ConstantKernel)K1).ConstantValue : ((ConstantKernel)K2).ConstantValue;
        var other = constantFirst ? K2 : K1;
        var otherGrad = constantFirst ? grad.Slice(p1, p2) : grad[..p1];
        var constantGrad = constantFirst ? grad[..p1] : grad.Slice(p1, p2);
        var g = new double[otherGrad.Length];
        double v = other.ContractLowerWeights(x, n, d, w, g);
        for (int t = 0; t < g.Length; t++) otherGrad[t] += c * g[t];
        if (constantGrad.Length > 0) constantGrad[0] += c * v;
        return c * v;
    }

    private static double ScaledByConstant(double c, bool constantIsFree, Kernel other, ReadOnlySpan<double> x, int n, int d,
        ReadOnlySpan<double> w, Span<double> constantGrad, Span<double> otherGrad)
    {
        var g = new double[otherGrad.Length];
        double v = other.ContractValueAndGradients(x, n, d, w, g);
        for (int t = 0; t < g.Length; t++) otherGrad[t] += c * g[t];
        if (constantIsFree) constantGrad[0] += c * v;
        return c * v;
    }

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad)
    {
        // A constant factor has no input gradient: c·∂k/∂x, without evaluating either factor.
        if (K1 is ConstantKernel c1) { K2.InputGradient(x, y, m, d, grad); System.Numerics.Tensors.TensorPrimitives.Multiply(grad[..(m * d)], c1.ConstantValue, grad[..(m * d)]); return; }
        if (K2 is ConstantKernel c2) { K1.InputGradient(x, y, m, d, grad); System.Numerics.Tensors.TensorPrimitives.Multiply(grad[..(m * d)], c2.ConstantValue, grad[..(m * d)]); return; }
        var k1 = new double[m];
        var k2 = new double[m];
        K1.Evaluate(x, 1, y, m, d, k1);
        K2.Evaluate(x, 1, y, m, d, k2);
        var g2 = new double[m * d];
        K1.InputGradient(x, y, m, d, grad);
        K2.InputGradient(x, y, m, d, g2);
        for (int j = 0; j < m; j++)
            for (int c = 0; c < d; c++) grad[j * d + c] = grad[j * d + c] * k2[j] + k1[j] * g2[j * d + c];
    }
}
