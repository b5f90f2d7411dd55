using System.Numerics;
using System.Numerics.Tensors;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Stateless functions over tensors: losses and activations (torch.nn.functional).</summary>
public static partial class Functional
{
    /// <summary>
    /// Cross-entropy from logits [N, C] and class indices, fused with log-softmax: one pass forward,
    /// gradient (softmax − onehot)·g. Label smoothing ε mixes the one-hot target with the uniform distribution.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.Rank != 2) throw new ArgumentException($"CrossEntropy: logits must be [N, C], got {ShapeUtil.Format(logits.ShapeSpan)}", nameof(logits));
        int n = logits.ShapeSpan[0], c = logits.ShapeSpan[1];
        if (targets.Length != n) throw new ArgumentException($"CrossEntropy: {targets.Length} targets for {n} rows of logits", nameof(targets));
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"labelSmoothing must be in [0, 1], got {labelSmoothing}");
        for (int i = 0; i < n; i++)
            if ((uint)targets[i] >= (uint)c) throw new ArgumentOutOfRangeException(nameof(targets), $"CrossEntropy: target {targets[i]} at row {i} is outside 0..{c - 1}");
        var x = logits.Detach().Contiguous();
        var probs = Tensor.Empty([n, c], logits.DType);
        var losses = Tensor.Empty([n], logits.DType);
        if (logits.DType == DType.Float32) CrossEntropyRows<float>(x.AsSpan<float>(), targets, n, c, labelSmoothing, probs.AsSpan<float>(), losses.AsSpan<float>());
        else CrossEntropyRows<double>(x.AsSpan<double>(), targets, n, c, labelSmoothing, probs.AsSpan<double>(), losses.AsSpan<double>());
        var result = Reduce(losses, reduction, n);
        return Record(result, "CrossEntropy", [logits], g =>
        {
            if (IsCreatingGraph) return [CrossEntropyGradGraph(logits, targets, labelSmoothing, reduction, g)];
            // d loss_i / d logits_i = softmax_i − target distribution_i
            var grad = Tensor.Empty([n, c], logits.DType);
            var gw = reduction switch { Reduction.None => g.Detach().Contiguous(), _ => Tensor.Full([n], g.Item() / (reduction == Reduction.Mean ? Math.Max(n, 1) : 1), logits.DType) };
            if (logits.DType == DType.Float32) CrossEntropyGrad<float>(probs.AsSpan<float>(), targets, n, c, labelSmoothing, gw.AsSpan<float>(), grad.AsSpan<float>());
            else CrossEntropyGrad<double>(probs.AsSpan<double>(), targets, n, c, labelSmoothing, gw.AsSpan<double>(), grad.AsSpan<double>());
            return [grad];
        });
    }

    /// <summary>The rule (softmax − target distribution)·g from recorded ops, so it can be differentiated again.</summary>
    private static Tensor CrossEntropyGradGraph(Tensor logits, int[] targets, double eps, Reduction reduction, Tensor g)
    {
        int n = logits.ShapeSpan[0], c = logits.ShapeSpan[1];
        var target = Tensor.Full([n, c], eps / c, DType.Float64);
        var t = target.AsSpan<double>();
        for (int i = 0; i < n; i++) t[i * c + targets[i]] += 1 - eps;
        var weight = reduction switch
        {
            Reduction.None => g.Reshape(n, 1),
            Reduction.Mean => g.Div(Math.Max(n, 1)),
            _ => g,
        };
        return logits.Softmax(1).Sub(target.To(logits.DType)).Mul(weight);
    }

    private static void CrossEntropyRows<T>(ReadOnlySpan<T> x, int[] targets, int n, int c, double eps, Span<T> probs, Span<T> losses) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
        {
            var row = x.Slice(i * c, c);
            var p = probs.Slice(i * c, c);
            T max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, p);
            TensorPrimitives.Exp(p, p);
            double sum = double.CreateTruncating(TensorPrimitives.Sum<T>(p));
            double logZ = Math.Log(sum) + double.CreateTruncating(max);
            TensorPrimitives.Multiply(p, T.CreateTruncating(1.0 / sum), p);
            double nll = logZ - double.CreateTruncating(row[targets[i]]);
            if (eps > 0)
            {
                double meanNll = logZ - double.CreateTruncating(TensorPrimitives.Sum(row)) / c;
                nll = (1 - eps) * nll + eps * meanNll;
            }
            losses[i] = T.CreateTruncating(nll);
        }
    }

    private static void CrossEntropyGrad<T>(ReadOnlySpan<T> probs, int[] targets, int n, int c, double eps, ReadOnlySpan<T> gw, Span<T> grad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T uniform = T.CreateTruncating(eps / c);
        for (int i = 0; i < n; i++)
        {
            var gr = grad.Slice(i * c, c);
            TensorPrimitives.Subtract(probs.Slice(i * c, c), uniform, gr);
            gr[targets[i]] -= T.CreateTruncating(1 - eps);
            TensorPrimitives.Multiply(gr, gw[i], gr);
        }
    }

    /// <summary>Negative log-likelihood of log-probabilities [N, C] at class indices.</summary>
    public static Tensor NllLoss(Tensor logProbs, int[] targets, Reduction reduction = Reduction.Mean)
    {
        if (logProbs.Rank != 2) throw new ArgumentException($"NllLoss: input must be [N, C], got {ShapeUtil.Format(logProbs.ShapeSpan)}", nameof(logProbs));
        int n = logProbs.ShapeSpan[0];
        if (targets.Length != n) throw new ArgumentException($"NllLoss: {targets.Length} targets for {n} rows", nameof(targets));
        var picked = logProbs.Gather(1, targets, [n, 1]).Reshape(n).Neg();
        return Reduce(picked, reduction, n);
    }

    /// <summary>Mean squared error (PyTorch's MSELoss).</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(input, target, "MseLoss");
        var d = input.Sub(target);
        return Reduce(d.Mul(d), reduction, input.Numel);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities; log terms are clamped at −100 as PyTorch does, and the gradient
    /// g·(p − t)/max(p(1 − p), 1e-12) stays finite at p = 0 and p = 1 (PyTorch's rule, same ε).
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor probs, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(probs, target, "BinaryCrossEntropy");
        Tensor loss, logP, log1mP;
        var (p, t) = (probs.Detach(), target.Detach());
        using (NoGrad())
        {
            logP = p.Log().Clamp(min: -100);
            log1mP = p.Neg().Add(1.0).Log().Clamp(min: -100);
            loss = t.Mul(logP).Add(t.Neg().Add(1.0).Mul(log1mP)).Neg();
        }
        const double Epsilon = 1e-12f; // PyTorch keeps this constant in single precision
        loss = Record(loss, "BinaryCrossEntropy", [probs, target], g => IsCreatingGraph
            ? [probs.RequiresGrad ? g.Mul(probs.Sub(target)).Div(probs.Mul(probs.Neg().Add(1.0)).Clamp(min: Epsilon)) : null,
               target.RequiresGrad ? g.Mul(probs.Neg().Add(1.0).Log().Clamp(min: -100).Sub(probs.Log().Clamp(min: -100))) : null]
            : [
            probs.RequiresGrad ? g.Mul(p.Sub(t)).Div(p.Mul(p.Neg().Add(1.0)).Clamp(min: Epsilon)) : null,
            target.RequiresGrad ? g.Mul(log1mP.Sub(logP)) : null]);
        return Reduce(loss, reduction, probs.Numel);
    }

    /// <summary>Binary cross-entropy on logits, stable: max(x,0) − x·t + log(1 + e^−|x|).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(logits, target, "BinaryCrossEntropyWithLogits");
        var loss = logits.Softplus().Sub(logits.Mul(target));
        return Reduce(loss, reduction, logits.Numel);
    }

    private static Tensor Reduce(Tensor perElement, Reduction reduction, int count) => reduction switch
    {
        Reduction.Mean => perElement.Sum().Div(Math.Max(count, 1)),
        Reduction.Sum => perElement.Sum(),
        _ => perElement,
    };

    private static void CheckSameShape(Tensor a, Tensor b, string op)
    {
        if (!ShapeUtil.SameShape(a.ShapeSpan, b.ShapeSpan))
            throw new ArgumentException($"{op}: input shape {ShapeUtil.Format(a.ShapeSpan)} and target shape {ShapeUtil.Format(b.ShapeSpan)} differ");
        Tensor.CheckSameDType(a, b, op);
    }
}
