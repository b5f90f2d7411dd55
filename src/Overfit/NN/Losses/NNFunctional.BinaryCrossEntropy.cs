using Overfit.Tensors;
using static Overfit.Autograd.Autograd;

namespace Overfit.NN;

public static partial class NNFunctional
{
    /// <summary>
    /// Binary cross-entropy on probabilities as PyTorch computes it: loss = −(t·max(log p, −100) +
    /// (1 − t)·max(log(1 − p), −100)), with the fused gradient (p − t)/max(p(1 − p), 1e-12), which stays
    /// finite when a sigmoid saturates to exactly 0 or 1 (a chain of Log and Clamp would give inf·0 = NaN).
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor probs, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(probs);
        ArgumentNullException.ThrowIfNull(target);
        if (!ShapeUtil.SameShape(probs.ShapeSpan, target.ShapeSpan))
            throw new ArgumentException($"BinaryCrossEntropy: input shape {ShapeUtil.Format(probs.ShapeSpan)} and target shape {ShapeUtil.Format(target.ShapeSpan)} differ", nameof(target));
        Tensor.CheckSameDType(probs, target, "BinaryCrossEntropy");
        var p = probs.ToDoubleArray();
        var t = target.ToDoubleArray();
        var losses = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0 && p[i] <= 1))
                throw new ArgumentException($"BinaryCrossEntropy: inputs must be probabilities in [0, 1], got {p[i]} at flat index {i}", nameof(probs));
            losses[i] = -(t[i] * Math.Max(Math.Log(p[i]), -100) + (1 - t[i]) * Math.Max(Math.Log(1 - p[i]), -100));
        }
        double scale = reduction == Reduction.Mean ? 1.0 / Math.Max(p.Length, 1) : 1.0;
        Tensor result = reduction == Reduction.None
            ? Tensor.FromArray(losses, probs.Shape).To(probs.DType)
            : Tensor.Scalar(losses.Sum() * scale, probs.DType);
        return Record(result, "BinaryCrossEntropy", [probs, target], g =>
        {
            // createGraph: the same rule from recorded ops (differentiable in p; the target gets no gradient here).
            if (IsCreatingGraph)
            {
                var gw = reduction == Reduction.None ? g : g.Mul(scale);
                return [gw.Mul(probs.Sub(target.Detach())).Div(probs.Mul(probs.Neg().Add(1.0)).Clamp(min: 1e-12)), null];
            }
            var gv = reduction == Reduction.None ? g.ToDoubleArray() : null;
            double gs = reduction == Reduction.None ? 0 : g.Item() * scale;
            var dp = new double[p.Length];
            for (int i = 0; i < p.Length; i++)
                dp[i] = (gv is null ? gs : gv[i]) * (p[i] - t[i]) / Math.Max(p[i] * (1 - p[i]), 1e-12);
            return [Tensor.FromArray(dp, probs.Shape).To(probs.DType), null];
        });
    }
}
