using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;
using Tensor = Overfit.Tensors.Tensor;
using static Overfit.Autograd.Autograd;

namespace Overfit.NN;

public static partial class NNFunctional
{
    /// <summary>
    /// y = x·Wᵀ + b for x [..., in], W [out, in], b [out] (or null), in one recorded op.
    /// Backward: dx = g·W, dW = gᵀ·x, db = Σ g, each a GEMM reading transposes in place.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => LinearCore(input, weight, bias, relu: false);

    /// <summary>
    /// max(x·Wᵀ + b, 0) in one recorded op: the same values and gradients as Relu(Linear(x, W, b)), with the
    /// rectification applied to the fresh product in place and, in the backward, the output's sign mask applied
    /// to the incoming gradient in a pooled buffer that the GEMMs read; so a layer allocates one activation and one
    /// input gradient per step instead of two of each. <see cref="Sequential"/> runs a Linear followed by a ReLU so.
    /// </summary>
    public static Tensor LinearRelu(Tensor input, Tensor weight, Tensor? bias = null) => LinearCore(input, weight, bias, relu: true);

    /// <summary>
    /// LinearRelu whose output only the next Linear op of the same <see cref="Sequential"/> ever sees: its buffer
    /// comes from the pool and goes back to it once this op's rule (the last reader) has run in a releasing Backward.
    /// </summary>
    internal static Tensor LinearReluInternal(Tensor input, Tensor weight, Tensor? bias) => LinearCore(input, weight, bias, relu: true, internalOutput: true);

    private static Tensor LinearCore(Tensor input, Tensor weight, Tensor? bias, bool relu, bool internalOutput = false)
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
        // Every element is written: the bias rows (or beta = 0) start the product.
        var y = internalOutput ? RentBuffer(outShape, input.DType) : Tensor.Uninitialized(outShape, input.DType);
        if (input.DType == DType.Float32)
        {
            LinearForward<float>(x.AsSpan<float>(), w.AsSpan<float>(), b is null ? default : b.AsSpan<float>(), y.AsSpan<float>(), rows, inF, outF);
            if (relu) TensorPrimitives.Max(y.AsSpan<float>(), 0f, y.AsSpan<float>());
        }
        else
        {
            LinearForward<double>(x.AsSpan<double>(), w.AsSpan<double>(), b is null ? default : b.AsSpan<double>(), y.AsSpan<double>(), rows, inF, outF);
            if (relu) TensorPrimitives.Max(y.AsSpan<double>(), 0.0, y.AsSpan<double>());
        }

        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Record(y, relu ? "LinearRelu" : "Linear", inputs, g =>
        {
            if (IsCreatingGraph) return LinearGradGraph(input, weight, bias, relu ? y : null, g);
            bool ownsGradient = TakeHandedGradient(g, y);
            var gc = g.Contiguous();
            // During Backward the weight's gradient goes straight into the leaf's buffer (accumulated by the GEMM).
            bool fresh = true;
            Tensor? dwTarget = weight.RequiresGrad ? LeafGradTarget(weight, out fresh) : null;
            if (dwTarget is null) fresh = true;
            // A leaf target means Backward (not Gradient) runs this rule: the input gradient may come from the pool.
            Tensor? dx = !input.RequiresGrad ? null
                : dwTarget is not null ? RentInputGradient(input, inShape, input.DType) : Tensor.Uninitialized(inShape, input.DType);
            Tensor? dw = weight.RequiresGrad ? dwTarget ?? Tensor.Uninitialized([outF, inF], input.DType) : null;
            Tensor? db = bias is not null && bias.RequiresGrad ? Tensor.Uninitialized([outF], input.DType) : null;
            var shapes = new LinearShapes(rows, inF, outF);
            if (input.DType == DType.Float32) LinearBackward<float>(gc, relu ? y : null, x, w, dx, dw, fresh, db, shapes);
            else LinearBackward<double>(gc, relu ? y : null, x, w, dx, dw, fresh, db, shapes);
            if (ownsGradient) ReturnInputGradient(g);
            // The consumer's rule ran before this one (the engine's order) and nothing else holds y.
            if (internalOutput && IsReleasingGraph) ReturnInputGradient(y);
            if (dwTarget is not null)
            {
                if (fresh) weight.Grad = dwTarget;
                dw = null;
            }
            return bias is null ? [dx, dw] : [dx, dw, db];
        });
    }

    /// <summary>
    /// The unfused rule from recorded ops (createGraph mode), so the gradients can be differentiated again:
    /// g masked by y &gt; 0 for LinearRelu, then dx = g·W, dW = gᵀ·x, db = Σ g over rows.
    /// </summary>
    private static Tensor?[] LinearGradGraph(Tensor input, Tensor weight, Tensor? bias, Tensor? reluOutput, Tensor g)
    {
        int outF = weight.ShapeSpan[0], inF = weight.ShapeSpan[1];
        var gm = (reluOutput is null ? g : g.Mul(reluOutput.Gt(0.0))).Reshape(-1, outF);
        var dx = input.RequiresGrad ? gm.MatMul(weight).Reshape(input.Shape) : null;
        var dw = weight.RequiresGrad ? gm.Transpose(0, 1).MatMul(input.Reshape(-1, inF)) : null;
        if (bias is null) return [dx, dw];
        return [dx, dw, bias.RequiresGrad ? gm.Sum(0) : null];
    }

    private readonly record struct LinearShapes(int Rows, int InF, int OutF);

    private static void LinearForward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, int rows, int inF, int outF)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!b.IsEmpty)
            for (int r = 0; r < rows; r++) b.CopyTo(y.Slice(r * outF, outF));
        // y = 1·x·Wᵀ + beta·y: the bias rows above are the accumulator's starting value.
        Multiply(false, true, rows, outF, inF, T.One, x, inF, w, inF, b.IsEmpty ? T.Zero : T.One, y, outF);
    }

    /// <summary>Below this many multiply-adds per product, dx and dW run one after the other (a fork costs more).</summary>
    internal const long ConcurrentBackwardWork = 1L << 19;

    /// <summary>
    /// dx = g·W and dW (+)= gᵀ·x (added into dw unless <paramref name="dwFresh"/>), db = Σ g, where g is first
    /// masked by y &gt; 0 when <paramref name="reluOutput"/> is given. The two products are independent and equally
    /// large, so they run at the same time on two cores when both are wanted and big enough.
    /// </summary>
    private static void LinearBackward<T>(Tensor g, Tensor? reluOutput, Tensor x, Tensor w, Tensor? dx, Tensor? dw, bool dwFresh, Tensor? db, LinearShapes s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = s.Rows, inF = s.InF, outF = s.OutF, n = rows * outF;
        T[]? masked = reluOutput is null ? null : ArrayPool<T>.Shared.Rent(n);
        try
        {
            T[] gData;
            int gOffset;
            if (masked is not null)
            {
                // The masked gradient lives only inside this rule, so it comes from (and goes back to) a pool. On
                // 512-bit lanes, with ordinary stores: the GEMMs read it right away, from the cache.
                VectorLoops.MapWide(new ReluGradOp<T>(), reluOutput!.AsSpan<T>(), (ReadOnlySpan<T>)g.AsSpan<T>(), masked.AsSpan(0, n));
                (gData, gOffset) = (masked, 0);
            }
            else (gData, gOffset) = (g.Data<T>(), g.Offset);

            void InputGrad()
            {
                var gs = new ReadOnlySpan<T>(gData, gOffset, n);
                if (dx is not null) Multiply(false, false, rows, inF, outF, T.One, gs, outF, w.AsSpan<T>(), inF, T.Zero, dx.AsSpan<T>(), inF);
                if (db is not null)
                {
                    var sum = db.AsSpan<T>();
                    sum.Clear();
                    for (int r = 0; r < rows; r++) TensorPrimitives.Add(sum, gs.Slice(r * outF, outF), sum);
                }
            }
            void WeightGrad()
            {
                if (dw is not null)
                    Multiply(true, false, outF, inF, rows, T.One, new ReadOnlySpan<T>(gData, gOffset, n), outF, x.AsSpan<T>(), inF,
                        dwFresh ? T.Zero : T.One, dw.AsSpan<T>(), inF);
            }
            if (dx is not null && dw is not null && (long)rows * inF * outF >= ConcurrentBackwardWork) Gemm.Concurrently(InputGrad, WeightGrad);
            else
            {
                InputGrad();
                WeightGrad();
            }
        }
        finally
        {
            if (masked is not null) ArrayPool<T>.Shared.Return(masked);
        }
    }
}
