using System.Numerics;
using System.Numerics.Tensors;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Stateless functions over tensors: losses and activations (torch.nn.functional).</summary>
public static partial class Functional
{
    /// <summary>PyTorch's default <c>ignore_index</c>: a target equal to it contributes neither loss nor gradient.</summary>
    public const int DefaultIgnoreIndex = -100;

    /// <summary>
    /// Cross-entropy from logits [N, C] and class indices, fused with log-softmax: one pass forward,
    /// gradient (softmax − target distribution)·g. Label smoothing ε mixes the one-hot target with the
    /// uniform distribution. <paramref name="weight"/> [C] rescales each class; rows whose target equals
    /// <paramref name="ignoreIndex"/> contribute neither loss nor gradient; the mean divides by the sum of
    /// the selected weights (the count of kept rows without weights), as PyTorch 1.13 does.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, Reduction reduction = Reduction.Mean, double labelSmoothing = 0,
        Tensor? weight = null, int ignoreIndex = DefaultIgnoreIndex)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rank != 2) throw new ArgumentException($"CrossEntropy: logits must be [N, C], got {ShapeUtil.Format(logits.ShapeSpan)}", nameof(logits));
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"labelSmoothing must be in [0, 1], got {labelSmoothing}");
        return CrossEntropyCore(logits, targets, reduction, labelSmoothing, weight, ignoreIndex);
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities [N, C] at class indices, with PyTorch's class
    /// <paramref name="weight"/> [C] and <paramref name="ignoreIndex"/>; the mean divides by the sum of the
    /// selected weights. Built from Gather, so it differentiates to any order.
    /// </summary>
    public static Tensor NllLoss(Tensor logProbs, int[] targets, Reduction reduction = Reduction.Mean, Tensor? weight = null, int ignoreIndex = DefaultIgnoreIndex)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        if (logProbs.Rank != 2) throw new ArgumentException($"NllLoss: input must be [N, C], got {ShapeUtil.Format(logProbs.ShapeSpan)}", nameof(logProbs));
        int n = logProbs.ShapeSpan[0];
        var (_, rowWeights, denominator) = SelectedWeights("NllLoss", targets, n, logProbs.ShapeSpan[1], weight, ignoreIndex);
        var safeTargets = Array.ConvertAll(targets, t => t == ignoreIndex ? 0 : t);
        var picked = logProbs.Gather(1, safeTargets, [n, 1]).Reshape(n).Neg();
        if (weight is not null || Array.IndexOf(targets, ignoreIndex) >= 0) picked = picked.Mul(Tensor.FromArray(rowWeights, [n]).To(logProbs.DType));
        return reduction == Reduction.Mean ? picked.Sum().Div(denominator) : Reduce(picked, reduction, n);
    }

    /// <summary>
    /// Checks targets and weights of a class loss and returns the class weights, each row's weight w[y_i] (0 for ignored
    /// rows) and their sum, the denominator of PyTorch's mean.
    /// </summary>
    private static (double[]? ClassWeights, double[] RowWeights, double Denominator) SelectedWeights(string op, int[] targets, int n, int c, Tensor? weight, int ignoreIndex)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Length != n) throw new ArgumentException($"{op}: {targets.Length} targets for {n} rows of the input", nameof(targets));
        var w = ClassWeights(op, weight, c);
        var rowWeights = new double[n];
        double denominator = 0;
        for (int i = 0; i < n; i++)
        {
            if (targets[i] == ignoreIndex) continue;
            if ((uint)targets[i] >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(targets), $"{op}: target {targets[i]} at row {i} is outside 0..{c - 1} and is not the ignore index {ignoreIndex}");
            rowWeights[i] = w is null ? 1 : w[targets[i]];
            denominator += rowWeights[i];
        }
        return (w, rowWeights, denominator);
    }

    /// <summary>
    /// Row i of cross-entropy: (1 − ε)·w[y]·(−log p[y]) + ε/C·Σ_c w[c]·(−log p[c]), with log p the log-softmax
    /// of the logits. Ignored rows are zero.
    /// </summary>
    private static Tensor CrossEntropyCore(Tensor input, int[] targets, Reduction reduction, double eps, Tensor? weight, int ignoreIndex)
    {
        const string op = "CrossEntropy";
        CheckReduction(reduction, op);
        int n = input.ShapeSpan[0], c = input.ShapeSpan[1];
        var (w, _, denominator) = SelectedWeights(op, targets, n, c, weight, ignoreIndex);
        var x = input.Detach().Contiguous();
        var probs = Tensor.Uninitialized([n, c], input.DType); // every kept row is written by the softmax; ignored rows are never read
        var nll = new double[n];
        var smooth = eps > 0 ? new double[n] : null;
        if (input.DType == DType.Float32) CrossEntropyRows<float>(x.AsSpan<float>(), targets, ignoreIndex, n, c, w, probs.AsSpan<float>(), nll, smooth);
        else CrossEntropyRows<double>(x.AsSpan<double>(), targets, ignoreIndex, n, c, w, probs.AsSpan<double>(), nll, smooth);

        // Mean divides by Σ w[y_i] over kept rows (PyTorch's weighted mean; the kept count without weights).
        double rowScale = reduction == Reduction.Mean ? 1 / denominator : 1;
        var losses = new double[n];
        for (int i = 0; i < n; i++) losses[i] = (1 - eps) * nll[i] + (smooth is null ? 0 : eps / c * smooth[i]);
        Tensor result = reduction == Reduction.None
            ? Tensor.FromArray(losses, [n]).To(input.DType)
            : Tensor.Scalar(losses.Sum() * rowScale, input.DType);
        return Record(result, op, [input], g =>
        {
            if (IsCreatingGraph) return [CrossEntropyGradGraph(input, targets, ignoreIndex, eps, w, reduction == Reduction.None ? g.Reshape(n, 1) : g.Mul(rowScale))];
            var rowGrad = new double[n];
            if (reduction == Reduction.None) g.ToDoubleArray().CopyTo(rowGrad, 0);
            else Array.Fill(rowGrad, g.Item() * rowScale);
            var grad = Tensor.Uninitialized([n, c], input.DType); // every row is written (ignored rows cleared)
            if (input.DType == DType.Float32) CrossEntropyGrad<float>(probs.AsSpan<float>(), targets, ignoreIndex, n, c, eps, w, rowGrad, grad.AsSpan<float>());
            else CrossEntropyGrad<double>(probs.AsSpan<double>(), targets, ignoreIndex, n, c, eps, w, rowGrad, grad.AsSpan<double>());
            // Only this rule reads the probabilities; a releasing Backward runs it once, so they go back to the pool.
            if (IsReleasingGraph) probs.Dispose();
            return [grad];
        });
    }

    /// <summary>
    /// The rule of <see cref="CrossEntropyCore"/> from recorded ops, so it can be differentiated again:
    /// row i is a_i·softmax(x_i) − b_i with a_i = (1 − ε)·w[y_i] + ε·W/C and b_ic = (1 − ε)·w[y_i]·δ_cy + ε/C·w_c
    /// (zero for ignored rows), times the incoming gradient <paramref name="rowGrad"/> ([N, 1] or a scalar).
    /// </summary>
    private static Tensor CrossEntropyGradGraph(Tensor logits, int[] targets, int ignoreIndex, double eps, double[]? w, Tensor rowGrad)
    {
        int n = logits.ShapeSpan[0], c = logits.ShapeSpan[1];
        double wSum = w is null ? c : w.Sum();
        var a = new double[n];
        var b = new double[checked(n * c)];
        for (int i = 0; i < n; i++)
        {
            int y = targets[i];
            if (y == ignoreIndex) continue;
            double wy = w is null ? 1 : w[y];
            a[i] = (1 - eps) * wy + eps * wSum / c;
            for (int k = 0; k < c; k++) b[i * c + k] = eps / c * (w is null ? 1 : w[k]);
            b[i * c + y] += (1 - eps) * wy;
        }
        var scale = Tensor.FromArray(a, [n, 1]).To(logits.DType);
        var offset = Tensor.FromArray(b, [n, c]).To(logits.DType);
        return logits.Softmax(1).Mul(scale).Sub(offset).Mul(rowGrad);
    }

    /// <summary>The class weights as doubles (null when absent), checked: length C, finite and non-negative.</summary>
    private static double[]? ClassWeights(string op, Tensor? weight, int classes)
    {
        if (weight is null) return null;
        if (weight.Rank != 1 || weight.ShapeSpan[0] != classes)
            throw new ArgumentException($"{op}: weight must have one entry per class, shape [{classes}], got {ShapeUtil.Format(weight.ShapeSpan)}", nameof(weight));
        var w = weight.ToDoubleArray();
        for (int k = 0; k < w.Length; k++)
            if (!(w[k] >= 0) || double.IsPositiveInfinity(w[k]))
                throw new ArgumentOutOfRangeException(nameof(weight), $"{op}: class weights must be finite and non-negative, got {w[k]} for class {k}");
        return w;
    }

    private static void CrossEntropyRows<T>(ReadOnlySpan<T> x, int[] targets, int ignoreIndex, int n, int c, double[]? w, Span<T> probs, double[] nll, double[]? smooth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var wT = w is null ? null : Array.ConvertAll(w, T.CreateTruncating);
        for (int i = 0; i < n; i++)
        {
            if (targets[i] == ignoreIndex) continue;
            var row = x.Slice(i * c, c);
            int y = targets[i];
            double wy = w is null ? 1 : w[y];
            // The fused row softmax gives the probabilities and the log-partition log Σ exp(x − max) + max.
            var (max, expSum) = Kernels.RowKernels.SoftmaxRow(row, probs.Slice(i * c, c));
            double logZ = Math.Log(double.CreateTruncating(expSum)) + double.CreateTruncating(max);
            nll[i] = wy * (logZ - double.CreateTruncating(row[y]));
            if (smooth is not null)
                smooth[i] = wT is null
                    ? c * logZ - double.CreateTruncating(TensorPrimitives.Sum(row))
                    : w!.Sum() * logZ - double.CreateTruncating(TensorPrimitives.Dot<T>(wT, row));
        }
    }

    private static void CrossEntropyGrad<T>(ReadOnlySpan<T> probs, int[] targets, int ignoreIndex, int n, int c, double eps, double[]? w, double[] rowGrad, Span<T> grad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // d row_i / d x_c = (1 − ε)·w[y]·(p_c − δ_cy) + ε/C·(W·p_c − w_c), W = Σ w.
        var wT = w is null ? null : Array.ConvertAll(w, T.CreateTruncating);
        double wSum = w is null ? c : w.Sum();
        for (int i = 0; i < n; i++)
        {
            var gr = grad.Slice(i * c, c);
            int y = targets[i];
            if (y == ignoreIndex) { gr.Clear(); continue; }
            double wy = w is null ? 1 : w[y], gi = rowGrad[i];
            TensorPrimitives.Multiply(probs.Slice(i * c, c), T.CreateTruncating(gi * ((1 - eps) * wy + eps * wSum / c)), gr);
            if (eps > 0)
            {
                if (wT is null) TensorPrimitives.Subtract(gr, T.CreateTruncating(gi * eps / c), gr);
                else TensorPrimitives.MultiplyAdd(wT, T.CreateTruncating(-gi * eps / c), gr, gr);
            }
            gr[y] -= T.CreateTruncating(gi * (1 - eps) * wy);
        }
    }

    private static Tensor Reduce(Tensor perElement, Reduction reduction, int count) => reduction switch
    {
        Reduction.Mean => perElement.Sum().Div(Math.Max(count, 1)),
        Reduction.Sum => perElement.Sum(),
        Reduction.None => perElement,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), $"reduction {reduction} is not defined for this loss (BatchMean belongs to KLDivLoss)"),
    };

    /// <summary>Mean, Sum or None; BatchMean is KL divergence's own.</summary>
    private static void CheckReduction(Reduction reduction, string op)
    {
        if (reduction is not (Reduction.Mean or Reduction.Sum or Reduction.None))
            throw new ArgumentOutOfRangeException(nameof(reduction), $"{op}: reduction must be Mean, Sum or None, got {reduction}");
    }

    private static void CheckSameShape(Tensor a, Tensor b, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!ShapeUtil.SameShape(a.ShapeSpan, b.ShapeSpan))
            throw new ArgumentException($"{op}: input shape {ShapeUtil.Format(a.ShapeSpan)} and target shape {ShapeUtil.Format(b.ShapeSpan)} differ");
        Tensor.CheckSameDType(a, b, op);
    }
}
