using Overfit.Tensors;

namespace Overfit.NN;

/// <summary>A differentiable penalty on one tensor (a weight, a bias or a layer's output).</summary>
public interface IRegularizer
{
    /// <summary>The penalty of <paramref name="value"/>, a 0-d tensor differentiable in it.</summary>
    Tensor Penalty(Tensor value);
}

/// <summary>Keras-style regularizers: L1(l) = l·Σ|w|, L2(l) = l·Σw² (no ½), L1L2 = both.</summary>
public static class Regularizers
{
    /// <summary>l1·Σ|w| (like keras.regularizers.L1).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="l1"/> is negative.</exception>
    public static IRegularizer L1(double l1) => new L1L2Regularizer(l1, 0);

    /// <summary>l2·Σw², without ½ (like keras.regularizers.L2).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="l2"/> is negative.</exception>
    public static IRegularizer L2(double l2) => new L1L2Regularizer(0, l2);

    /// <summary>l1·Σ|w| + l2·Σw² (like keras.regularizers.L1L2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A strength is negative.</exception>
    public static IRegularizer L1L2(double l1, double l2) => new L1L2Regularizer(l1, l2);
}

/// <summary>l1·Σ|w| + l2·Σw².</summary>
public sealed class L1L2Regularizer : IRegularizer
{
    /// <summary>A penalty with strengths <paramref name="l1"/> and <paramref name="l2"/> (both ≥ 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A strength is negative or NaN.</exception>
    public L1L2Regularizer(double l1, double l2)
    {
        if (!(l1 >= 0) || !(l2 >= 0))
            throw new ArgumentOutOfRangeException(l1 >= 0 ? nameof(l2) : nameof(l1), $"regularization strengths must be >= 0, got l1 = {l1}, l2 = {l2}");
        L1 = l1;
        L2 = l2;
    }

    /// <summary>L1 strength.</summary>
    public double L1 { get; }

    /// <summary>L2 strength.</summary>
    public double L2 { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public Tensor Penalty(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Tensor? total = null;
        if (L1 > 0) total = value.Abs().Sum().Mul(L1);
        if (L2 > 0)
        {
            var l2 = value.Mul(value).Sum().Mul(L2);
            total = total is null ? l2 : total.Add(l2);
        }
        return total ?? Tensor.Scalar(0, value.DType);
    }
}

/// <summary>Penalties over a set of parameters, added to a loss by hand (the chapter's custom_loss).</summary>
public static class Penalties
{
    /// <summary>lambda·Σ_p Σ|p|.</summary>
    public static Tensor L1(IEnumerable<Tensor> parameters, double lambda = 1) => ElasticNet(parameters, lambda, 0);

    /// <summary>lambda·Σ_p Σp² (no ½, as the chapter's custom_loss).</summary>
    public static Tensor L2(IEnumerable<Tensor> parameters, double lambda = 1) => ElasticNet(parameters, 0, lambda);

    /// <summary>l1·Σ|p| + l2·Σp² over every parameter: custom_loss = mse + ElasticNet(model.Parameters(), lambda_l1, lambda_l2).</summary>
    public static Tensor ElasticNet(IEnumerable<Tensor> parameters, double l1, double l2)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var reg = new L1L2Regularizer(l1, l2);
        Tensor? total = null;
        foreach (var p in parameters)
        {
            var term = reg.Penalty(p);
            total = total is null ? term : total.Add(term);
        }
        return total ?? throw new ArgumentException("parameters must contain at least one tensor, got none", nameof(parameters));
    }
}
