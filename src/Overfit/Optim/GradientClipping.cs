using Overfit.Tensors;

namespace Overfit.Optim;

/// <summary>Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their joint p-norm is at most <paramref name="maxNorm"/>
    /// (coefficient maxNorm/(norm + 1e-6), applied only when below 1). Returns the norm before clipping.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"maxNorm must be >= 0, got {maxNorm}");
        if (!(normType > 0)) throw new ArgumentOutOfRangeException(nameof(normType), $"normType must be > 0 (or +infinity), got {normType}");
        var grads = parameters.Select(p => p.Grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        double total = 0;
        foreach (var g in grads)
            foreach (var v in g.ToDoubleArray())
                total = double.IsPositiveInfinity(normType) ? Math.Max(total, Math.Abs(v)) : total + Math.Pow(Math.Abs(v), normType);
        if (!double.IsPositiveInfinity(normType)) total = Math.Pow(total, 1 / normType);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1)
            foreach (var g in grads) g.CopyFrom(g.Detach().Mul(coef));
        return total;
    }

    /// <summary>Clamps every gradient element into [−clipValue, clipValue].</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), $"clipValue must be >= 0, got {clipValue}");
        foreach (var p in parameters)
            if (p.Grad is not null) p.Grad.CopyFrom(p.Grad.Detach().Clamp(-clipValue, clipValue));
    }
}
