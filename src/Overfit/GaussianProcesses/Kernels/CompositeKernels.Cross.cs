using System.Numerics.Tensors;

namespace Overfit.GaussianProcesses;

public sealed partial class SumKernel
{
    internal override double ContractCrossGradients(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d,
        ReadOnlySpan<double> w, Span<double> grad, Span<double> gradY)
    {
        var (p1, p2) = Counts();
        return K1.ContractCrossGradients(x, n, y, m, d, w, grad[..p1], gradY) + K2.ContractCrossGradients(x, n, y, m, d, w, grad.Slice(p1, p2), gradY);
    }

    internal override double ContractDiagonalGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        var (p1, p2) = Counts();
        return K1.ContractDiagonalGradients(x, n, d, w, grad[..p1]) + K2.ContractDiagonalGradients(x, n, d, w, grad.Slice(p1, p2));
    }
}

public sealed partial class ProductKernel
{
    /// <summary>
    /// ∂(k1·k2) = ∂k1·k2 + k1·∂k2 for θ and y alike: each factor is contracted with W scaled by the other factor's
    /// values; a constant factor (the usual amplitude) only scales the other factor's contraction.
    /// </summary>
    internal override double ContractCrossGradients(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d,
        ReadOnlySpan<double> w, Span<double> grad, Span<double> gradY)
    {
        var (p1, p2) = Counts();
        if (K1 is ConstantKernel c1) return ScaledCross(c1.ConstantValue, p1 > 0, K2, x, n, y, m, d, w, grad[..p1], grad.Slice(p1, p2), gradY);
        if (K2 is ConstantKernel c2) return ScaledCross(c2.ConstantValue, p2 > 0, K1, x, n, y, m, d, w, grad.Slice(p1, p2), grad[..p1], gradY);
        int nm = n * m;
        var buf = new double[nm];
        K2.Evaluate(x, n, y, m, d, buf);
        TensorPrimitives.Multiply(buf, w[..nm], buf);
        double value = K1.ContractCrossGradients(x, n, y, m, d, buf, grad[..p1], gradY);
        K1.Evaluate(x, n, y, m, d, buf);
        TensorPrimitives.Multiply(buf, w[..nm], buf);
        K2.ContractCrossGradients(x, n, y, m, d, buf, grad.Slice(p1, p2), gradY);
        return value;
    }

    private static double ScaledCross(double c, bool constantIsFree, Kernel other, ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d,
        ReadOnlySpan<double> w, Span<double> constantGrad, Span<double> otherGrad, Span<double> gradY)
    {
        var g = new double[otherGrad.Length];
        var gy = gradY.IsEmpty ? [] : new double[gradY.Length];
        double v = other.ContractCrossGradients(x, n, y, m, d, w, g, gy);
        for (int t = 0; t < g.Length; t++) otherGrad[t] += c * g[t];
        if (!gradY.IsEmpty) TensorPrimitives.MultiplyAdd(gy, c, gradY, gradY);
        if (constantIsFree) constantGrad[0] += c * v;
        return c * v;
    }

    internal override double ContractDiagonalGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        var (p1, p2) = Counts();
        var diag1 = new double[n];
        var diag2 = new double[n];
        K1.Diagonal(x, n, d, diag1);
        K2.Diagonal(x, n, d, diag2);
        TensorPrimitives.Multiply(diag2, w[..n], diag2);
        TensorPrimitives.Multiply(diag1, w[..n], diag1);
        double value = K1.ContractDiagonalGradients(x, n, d, diag2, grad[..p1]);
        K2.ContractDiagonalGradients(x, n, d, diag1, grad.Slice(p1, p2));
        return value;
    }
}

public sealed partial class ConstantKernel
{
    internal override double ContractCrossGradients(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d,
        ReadOnlySpan<double> w, Span<double> grad, Span<double> gradY)
    {
        double v = ConstantValue * TensorPrimitives.Sum(w[..(n * m)]);
        if (ThetaCount > 0) grad[0] += v;
        return v;
    }

    internal override double ContractDiagonalGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        double v = ConstantValue * TensorPrimitives.Sum(w[..n]);
        if (ThetaCount > 0) grad[0] += v;
        return v;
    }
}

public sealed partial class WhiteKernel
{
    /// <summary>White noise is zero between two input sets: no value, no gradient.</summary>
    internal override double ContractCrossGradients(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d,
        ReadOnlySpan<double> w, Span<double> grad, Span<double> gradY) => 0;

    internal override double ContractDiagonalGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        double v = NoiseLevel * TensorPrimitives.Sum(w[..n]);
        if (ThetaCount > 0) grad[0] += v;
        return v;
    }
}
