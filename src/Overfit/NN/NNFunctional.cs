using System.Numerics;
using System.Numerics.Tensors;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;
using Tensor = Overfit.Tensors.Tensor;
using static Overfit.Autograd.Autograd;

namespace Overfit.NN;

/// <summary>
/// Fused network ops with hand-written backward rules (torch.nn.functional): each records one node
/// on the tape instead of a chain of elementwise ops, which keeps a training step lean.
/// </summary>
public static partial class NNFunctional
{
    /// <summary>
    /// y = x·Wᵀ + b for x [..., in], W [out, in], b [out] (or null), in one recorded op.
    /// Backward: dx = g·W, dW = gᵀ·x, db = Σ g, each a GEMM reading transposes in place.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2) throw new ArgumentException($"Linear: weight must be [out, in], got {ShapeUtil.Format(weight.ShapeSpan)}", nameof(weight));
        int outF = weight.ShapeSpan[0], inF = weight.ShapeSpan[1];
        if (input.Rank < 1 || input.ShapeSpan[^1] != inF)
            throw new ArgumentException($"Linear: input's last dimension must be {inF}, got shape {ShapeUtil.Format(input.ShapeSpan)}", nameof(input));
        if (bias is not null && (bias.Rank != 1 || bias.ShapeSpan[0] != outF))
            throw new ArgumentException($"Linear: bias must be [{outF}], got {ShapeUtil.Format(bias.ShapeSpan)}", nameof(bias));
        Tensor.CheckSameDType(input, weight, "Linear");
        if (bias is not null) Tensor.CheckSameDType(input, bias, "Linear");

        var inShape = input.Shape;
        int rows = input.Numel / Math.Max(inF, 1);
        var x = input.Detach().Contiguous();
        var w = weight.Detach().Contiguous();
        var b = bias?.Detach().Contiguous();
        var outShape = (int[])inShape.Clone();
        outShape[^1] = outF;
        var y = Tensor.Empty(outShape, input.DType);
        if (input.DType == DType.Float32) LinearForward<float>(x.AsSpan<float>(), w.AsSpan<float>(), b is null ? default : b.AsSpan<float>(), y.AsSpan<float>(), rows, inF, outF);
        else LinearForward<double>(x.AsSpan<double>(), w.AsSpan<double>(), b is null ? default : b.AsSpan<double>(), y.AsSpan<double>(), rows, inF, outF);

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Record(y, "Linear", inputs, g =>
        {
            var gc = g.Contiguous();
            Tensor? dx = input.RequiresGrad ? Tensor.Empty(inShape, input.DType) : null;
            // During Backward the weight's gradient goes straight into the leaf's buffer (accumulated by the GEMM).
            bool fresh = true;
            Tensor? dwTarget = weight.RequiresGrad ? LeafGradTarget(weight, out fresh) : null;
            if (dwTarget is null) fresh = true;
            Tensor? dw = weight.RequiresGrad ? dwTarget ?? Tensor.Empty([outF, inF], input.DType) : null;
            Tensor? db = bias is not null && bias.RequiresGrad ? Tensor.Empty([outF], input.DType) : null;
            if (input.DType == DType.Float32) LinearBackward<float>(gc, x, w, dx, dw, fresh, db, rows, inF, outF);
            else LinearBackward<double>(gc, x, w, dx, dw, fresh, db, rows, inF, outF);
            if (dwTarget is not null)
            {
                if (fresh) weight.Grad = dwTarget;
                dw = null;
            }
            return bias is null ? [dx, dw] : [dx, dw, db];
        });
    }

    private static void LinearForward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, int rows, int inF, int outF)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!b.IsEmpty)
            for (int r = 0; r < rows; r++) b.CopyTo(y.Slice(r * outF, outF));
        // y = 1·x·Wᵀ + beta·y: the bias rows above are the accumulator's starting value.
        Multiply(false, true, rows, outF, inF, T.One, x, inF, w, inF, b.IsEmpty ? T.Zero : T.One, y, outF);
    }

    /// <summary>Below this many multiply-adds per product, dx and dW run one after the other (a fork costs more).</summary>
    private const long ConcurrentBackwardWork = 1L << 19;

    /// <summary>
    /// dx = g·W and dW (+)= gᵀ·x (added into dw unless <paramref name="dwFresh"/>), db = Σ g. The two products are
    /// independent and equally large, so they run at the same time on two cores when both are wanted and big enough.
    /// </summary>
    private static void LinearBackward<T>(Tensor g, Tensor x, Tensor w, Tensor? dx, Tensor? dw, bool dwFresh, Tensor? db, int rows, int inF, int outF)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        void InputGrad()
        {
            if (dx is not null) Multiply(false, false, rows, inF, outF, T.One, g.AsSpan<T>(), outF, w.AsSpan<T>(), inF, T.Zero, dx.AsSpan<T>(), inF);
            if (db is not null)
            {
                var s = db.AsSpan<T>();
                var gs = g.AsSpan<T>();
                s.Clear();
                for (int r = 0; r < rows; r++) TensorPrimitives.Add(s, gs.Slice(r * outF, outF), s);
            }
        }
        void WeightGrad()
        {
            if (dw is not null) Multiply(true, false, outF, inF, rows, T.One, g.AsSpan<T>(), outF, x.AsSpan<T>(), inF, dwFresh ? T.Zero : T.One, dw.AsSpan<T>(), inF);
        }
        if (dx is not null && dw is not null && (long)rows * inF * outF >= ConcurrentBackwardWork) Gemm.Concurrently(InputGrad, WeightGrad);
        else
        {
            InputGrad();
            WeightGrad();
        }
    }

    internal static void Multiply<T>(bool ta, bool tb, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Gemm.Multiply(ta, tb, m, n, k, float.CreateTruncating(alpha), Cast<T, float>(a), lda, Cast<T, float>(b), ldb, float.CreateTruncating(beta), CastMut<T, float>(c), ldc);
        else
            Gemm.Multiply(ta, tb, m, n, k, double.CreateTruncating(alpha), Cast<T, double>(a), lda, Cast<T, double>(b), ldb, double.CreateTruncating(beta), CastMut<T, double>(c), ldc);
    }

    private static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> s) where TFrom : unmanaged where TTo : unmanaged
        => System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(s);

    private static Span<TTo> CastMut<TFrom, TTo>(Span<TFrom> s) where TFrom : unmanaged where TTo : unmanaged
        => System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, TTo>(s);

    /// <summary>max(x, 0) in one pass; the backward multiplies by the saved sign mask of the output.</summary>
    public static Tensor Relu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input.Detach().Contiguous();
        var y = Tensor.Empty(input.Shape, input.DType);
        if (input.DType == DType.Float32) TensorPrimitives.Max(x.AsSpan<float>(), 0f, y.AsSpan<float>());
        else TensorPrimitives.Max(x.AsSpan<double>(), 0.0, y.AsSpan<double>());
        return Record(y, "Relu", [input], g =>
        {
            var gc = g.Contiguous();
            var dx = Tensor.Empty(input.Shape, input.DType);
            if (input.DType == DType.Float32) ReluBackward<float>(gc.AsSpan<float>(), y.AsSpan<float>(), dx.AsSpan<float>());
            else ReluBackward<double>(gc.AsSpan<double>(), y.AsSpan<double>(), dx.AsSpan<double>());
            return [dx];
        });
    }

    private static void ReluBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var yv = new Vector<T>(y.Slice(i));
                var gv = new Vector<T>(g.Slice(i));
                Vector.ConditionalSelect(Vector.GreaterThan(yv, Vector<T>.Zero), gv, Vector<T>.Zero).CopyTo(dx.Slice(i));
            }
        }
        for (; i < g.Length; i++) dx[i] = y[i] > T.Zero ? g[i] : T.Zero;
    }
}
