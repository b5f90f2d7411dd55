using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

public static partial class Functional
{
    /// <summary>
    /// Binary cross-entropy on probabilities as PyTorch computes it: loss = −w·(t·max(log p, −100) +
    /// (1 − t)·max(log(1 − p), −100)), with the fused gradient w·(p − t)/max(p(1 − p), ε) (ε = 1e-12 held in
    /// single precision, as PyTorch's kernel does), which stays finite when a sigmoid saturates to exactly 0 or 1
    /// (a chain of Log and Clamp would give inf·0 = NaN). Probabilities outside [0, 1] are rejected;
    /// <paramref name="weight"/> broadcasts to the input and the mean divides by the element count. The gradient
    /// flows to the probabilities only: targets are data.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor probs, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null)
    {
        const string op = "BinaryCrossEntropy";
        CheckSameShape(probs, target, op);
        CheckReduction(reduction, op);
        var p = probs.ToDoubleArray();
        var t = target.ToDoubleArray();
        var w = ElementWeights(op, nameof(weight), weight, probs);
        var losses = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0 && p[i] <= 1))
                throw new ArgumentException($"{op}: inputs must be probabilities in [0, 1], got {p[i]} at flat index {i}", nameof(probs));
            losses[i] = -(t[i] * Math.Max(Math.Log(p[i]), -100) + (1 - t[i]) * Math.Max(Math.Log(1 - p[i]), -100));
            if (w is not null) losses[i] *= w[i];
        }
        double scale = reduction == Reduction.Mean ? 1.0 / Math.Max(p.Length, 1) : 1.0;
        Tensor result = reduction == Reduction.None
            ? Tensor.FromArray(losses, probs.Shape).To(probs.DType)
            : Tensor.Scalar(losses.Sum() * scale, probs.DType);
        const double Epsilon = 1e-12f;
        return Record(result, op, [probs, target], g =>
        {
            // createGraph: the same rule from recorded ops (differentiable in p; the target gets no gradient here).
            if (IsCreatingGraph)
            {
                var gp = (reduction == Reduction.None ? g : g.Mul(scale)).Mul(probs.Sub(target.Detach())).Div(probs.Mul(probs.Neg().Add(1.0)).Clamp(min: Epsilon));
                return [weight is null ? gp : gp.Mul(weight.Detach().To(probs.DType)), null];
            }
            var gv = reduction == Reduction.None ? g.ToDoubleArray() : null;
            double gs = reduction == Reduction.None ? 0 : g.Item() * scale;
            var dp = new double[p.Length];
            for (int i = 0; i < p.Length; i++)
                dp[i] = (gv is null ? gs : gv[i]) * (w is null ? 1 : w[i]) * (p[i] - t[i]) / Math.Max(p[i] * (1 - p[i]), Epsilon);
            return [Tensor.FromArray(dp, probs.Shape).To(probs.DType), null];
        });
    }

    /// <summary>
    /// Binary cross-entropy on logits, numerically stable: w·((1 − t)·x + l·softplus(−x)) with
    /// l = 1 + (posWeight − 1)·t (PyTorch's BCEWithLogitsLoss). <paramref name="posWeight"/> weighs the positive
    /// term and broadcasts against the input (one entry per class along the last dimension); <paramref name="weight"/>
    /// broadcasts to the input. Built from differentiable ops, so input and target both get gradients.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null, Tensor? posWeight = null)
    {
        const string op = "BinaryCrossEntropyWithLogits";
        CheckSameShape(logits, target, op);
        CheckReduction(reduction, op);
        ElementWeights(op, nameof(weight), weight, logits);
        ElementWeights(op, nameof(posWeight), posWeight, logits);
        Tensor loss;
        if (posWeight is null) loss = logits.Softplus().Sub(logits.Mul(target));
        else
        {
            var logWeight = target.Mul(posWeight.To(logits.DType).Sub(1.0)).Add(1.0);
            loss = target.Neg().Add(1.0).Mul(logits).Add(logWeight.Mul(logits.Neg().Softplus()));
        }
        if (weight is not null) loss = loss.Mul(weight.To(logits.DType));
        return Reduce(loss, reduction, logits.Numel);
    }

    /// <summary>
    /// Checks an elementwise weight (finite, non-negative, broadcastable to the input without growing it) and
    /// returns it expanded to the input's shape as doubles, or null when absent.
    /// </summary>
    private static double[]? ElementWeights(string op, string name, Tensor? weight, Tensor input)
    {
        if (weight is null) return null;
        int[] broadcast;
        try { broadcast = ShapeUtil.Broadcast(weight.ShapeSpan, input.ShapeSpan, op); }
        catch (ArgumentException) { broadcast = []; }
        if (!ShapeUtil.SameShape(broadcast, input.ShapeSpan))
            throw new ArgumentException($"{op}: {name} of shape {ShapeUtil.Format(weight.ShapeSpan)} does not broadcast to the input's shape {ShapeUtil.Format(input.ShapeSpan)}", name);
        var w = weight.To(DType.Float64).BroadcastTo(input.Shape).Contiguous().ToDoubleArray();
        for (int i = 0; i < w.Length; i++)
            if (!(w[i] >= 0) || double.IsPositiveInfinity(w[i]))
                throw new ArgumentOutOfRangeException(name, $"{op}: {name} must be finite and non-negative, got {w[i]}");
        return w;
    }
}
