namespace Overfit.Tensors;

public static partial class Functional
{
    /// <summary>Mean squared error (PyTorch's MSELoss).</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(input, target, "MseLoss");
        var d = input.Sub(target);
        return Reduce(d.Mul(d), reduction, input.Numel);
    }

    /// <summary>
    /// Huber loss (PyTorch's HuberLoss): ½d² where |d| &lt; δ, δ·(|d| − ½δ) beyond, d = input − target. Written as
    /// ½·min(|d|, δ)² + δ·(|d| − min(|d|, δ)) so it is one expression of differentiable ops (any order) with
    /// gradient 0 at d = 0, as PyTorch has.
    /// </summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        CheckSameShape(input, target, "HuberLoss");
        if (!(delta > 0) || double.IsPositiveInfinity(delta)) throw new ArgumentOutOfRangeException(nameof(delta), $"HuberLoss: delta must be finite and positive, got {delta}");
        return Reduce(Huber(input.Sub(target), delta), reduction, input.Numel);
    }

    /// <summary>
    /// Smooth L1 loss (PyTorch's SmoothL1Loss): ½d²/β where |d| &lt; β, |d| − ½β beyond; it equals Huber(δ = β)/β,
    /// and β = 0 gives the L1 loss |d|.
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        CheckSameShape(input, target, "SmoothL1Loss");
        if (!(beta >= 0) || double.IsPositiveInfinity(beta)) throw new ArgumentOutOfRangeException(nameof(beta), $"SmoothL1Loss: beta must be finite and non-negative, got {beta}");
        var d = input.Sub(target);
        return Reduce(beta == 0 ? d.Abs() : Huber(d, beta).Div(beta), reduction, input.Numel);
    }

    private static Tensor Huber(Tensor d, double delta)
    {
        var a = d.Abs();
        var inner = a.Clamp(max: delta);
        return inner.Mul(inner).Mul(0.5).Add(a.Sub(inner).Mul(delta));
    }

    /// <summary>
    /// Kullback–Leibler divergence (PyTorch's KLDivLoss) with the input as log-probabilities: pointwise
    /// t·(log t − x), taken as 0 where t = 0, or e^t·(t − x) when <paramref name="logTarget"/> says the target is
    /// given as log-probabilities too. <see cref="Reduction.BatchMean"/> divides the sum by the batch size (the
    /// first dimension), which is the mathematical KL divergence; Mean divides by the element count, as PyTorch does.
    /// </summary>
    public static Tensor KLDivLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        CheckSameShape(input, target, "KLDivLoss");
        Tensor pointwise;
        if (logTarget) pointwise = target.Exp().Mul(target.Sub(input));
        else
        {
            // xlogy(t, t): log is taken of 1 where t = 0, so neither the value nor the gradient sees 0·(−∞).
            var zero = target.Eq(0.0);
            var safe = Tensor.Where(zero, Tensor.Ones([], target.DType), target);
            var tLogT = Tensor.Where(zero, Tensor.Zeros([], target.DType), target.Mul(safe.Log()));
            pointwise = tLogT.Sub(target.Mul(input));
        }
        if (reduction != Reduction.BatchMean) return Reduce(pointwise, reduction, input.Numel);
        int batch = input.Rank == 0 ? 1 : input.ShapeSpan[0];
        return pointwise.Sum().Div(batch);
    }
}
