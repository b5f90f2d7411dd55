using Overfit.NN;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;
using Tensor = Overfit.Tensors.Tensor;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Landscape;

internal sealed partial class PearlmutterPlan
{
    /// <summary>
    /// H·v for the batch of <paramref name="s"/>: one R-forward and one R-backward pass; one tensor per parameter,
    /// written into <paramref name="into"/> when given (contiguous tensors of the parameters' shapes and dtype, which an
    /// iterative method reuses from product to product), else into new tensors. Every intermediate lives in buffers the
    /// state keeps for its next product, so a product allocates nothing beyond its result and the loss's small second backward.
    /// </summary>
    public Tensor[] Hvp(BatchState s, Tensor[] v, Tensor[]? into = null)
    {
        int n = _steps.Length;
        var direction = Array.ConvertAll(v, t => t.DType == _dtype && t.IsContiguous ? t : t.Detach().To(_dtype).Contiguous());
        var hv = new Tensor?[_parameters.Count];
        if (into is not null) Array.Copy(into, hv, hv.Length);
        var written = new bool[hv.Length];
        // rValues[i] = R(Values[i]); null stands for zero (everything before the first parameterized layer).
        var rValues = new Tensor?[n + 1];
        for (int i = _first; i < n; i++)
        {
            var r = rValues[i];
            rValues[i + 1] = _steps[i] switch
            {
                LinearStep l => RForwardLinear(l, s.Values[i], r, direction, s.Scratch(i, 0, s.Values[i + 1].Shape)),
                ActivationStep => r is null ? null : ProductSum(s.Slopes[i]!, r, null, null, s.Scratch(i, 0, r.Shape)),
                BatchNormStep b => RForwardBatchNorm(b, (NormState)s.Norms[i]!, r, direction, s.Scratch(i, 0, s.Values[i + 1].Shape)),
                LayerNormStep ln => RForwardLayerNorm(ln, i, s, r, direction),
                _ => r?.Reshape(s.Values[i + 1].Shape),
            };
        }
        // R(∂L/∂output) = ∇²L(output)·R(output): the second backward through the loss alone.
        Tensor? rDelta = rValues[n] is null || s.OutputGradient is null ? null
            : AG.Gradient(s.OutputGradient, [s.OutputLeaf], rValues[n], retainGraph: true)[0].Detach().Contiguous();

        for (int i = n - 1; i >= _first; i--)
        {
            rDelta = _steps[i] switch
            {
                LinearStep l => RBackwardLinear(l, i, s, rValues[i], rDelta, direction, hv, written),
                ActivationStep => RBackwardActivation(rDelta, s.Slopes[i]!, s.Curvatures[i], rValues[i], s, i),
                BatchNormStep b => RBackwardBatchNorm(b, i, s, rValues[i], rDelta, direction, hv, written),
                LayerNormStep ln => RBackwardLayerNorm(ln, i, s, rValues[i], rDelta, direction, hv, written),
                _ => rDelta?.Reshape(s.Values[i].Shape),
            };
        }
        for (int k = 0; k < hv.Length; k++)
        {
            if (written[k]) continue;
            if (hv[k] is null) hv[k] = Tensor.ZerosLike(_parameters[k]);
            else Clear(hv[k]!);
        }
        return hv!;
    }

    /// <summary>R z = V_b + x·V_Wᵀ + R x·Wᵀ, accumulated in <paramref name="rz"/> by the GEMM's beta; null when all three are zero.</summary>
    private Tensor? RForwardLinear(LinearStep l, Tensor x, Tensor? rx, Tensor[] v, Tensor rz)
    {
        Tensor? vw = l.WeightIndex >= 0 ? v[l.WeightIndex] : null, vb = l.BiasIndex >= 0 ? v[l.BiasIndex] : null;
        if (rx is null && vw is null && vb is null) return null;
        int rows = Rows(x, l.Layer.InFeatures), inF = l.Layer.InFeatures, outF = l.Layer.OutFeatures;
        bool started = false;
        if (vb is not null)
        {
            FillRows(rz, vb, rows);
            started = true;
        }
        if (vw is not null)
        {
            Product(false, true, rows, outF, inF, x, vw, rz, started);
            started = true;
        }
        if (rx is not null) Product(false, true, rows, outF, inF, rx, Contiguous(l.Layer.Weight), rz, started);
        return rz;
    }

    /// <summary>
    /// The layer's rows of H·v (Rδᵀ·x + δᵀ·R x, Σ Rδ), written into <paramref name="hv"/>'s tensors (new ones where
    /// null), and, unless it is the first parameterized layer, R δ at its input (Rδ·W + δ·V_W) in the state's buffer.
    /// The two products are independent, so large ones run on two cores, as a Linear's backward does.
    /// </summary>
    private Tensor? RBackwardLinear(LinearStep l, int i, BatchState s, Tensor? rx, Tensor? rDelta, Tensor[] v, Tensor?[] hv, bool[] written)
    {
        var x = s.Values[i];
        var delta = s.Deltas[i + 1]!;
        int rows = Rows(x, l.Layer.InFeatures), inF = l.Layer.InFeatures, outF = l.Layer.OutFeatures;
        Tensor? vw = l.WeightIndex >= 0 ? v[l.WeightIndex] : null;
        bool wantInput = i > _first && (rDelta is not null || vw is not null);
        bool wantWeight = l.WeightIndex >= 0 && (rDelta is not null || rx is not null);
        var dx = wantInput ? s.Scratch(i, 1, x.Shape) : null;
        var dw = wantWeight ? (hv[l.WeightIndex] ??= Tensor.Uninitialized([outF, inF], _dtype)) : null;
        void Weight()
        {
            if (dw is null) return;
            if (rDelta is not null) Product(true, false, outF, inF, rows, rDelta, x, dw, accumulate: false);
            if (rx is not null) Product(true, false, outF, inF, rows, delta, rx, dw, accumulate: rDelta is not null);
        }
        void Input()
        {
            if (dx is null) return;
            if (rDelta is not null) Product(false, false, rows, inF, outF, rDelta, Contiguous(l.Layer.Weight), dx, accumulate: false);
            if (vw is not null) Product(false, false, rows, inF, outF, delta, vw, dx, accumulate: rDelta is not null);
        }
        if (dx is not null && dw is not null && (long)rows * inF * outF >= NNFunctional.ConcurrentBackwardWork) Gemm.Concurrently(Weight, Input);
        else
        {
            Weight();
            Input();
        }
        if (dw is not null) written[l.WeightIndex] = true;
        if (l.BiasIndex >= 0 && rDelta is not null)
        {
            ColumnSums(rDelta, rows, outF, hv[l.BiasIndex] ??= Tensor.Uninitialized([outF], _dtype));
            written[l.BiasIndex] = true;
        }
        return dx;
    }

    /// <summary>Rδ_u = Rδ_y⊙f'(u) + (δ_y⊙f''(u))⊙R u, in the state's buffer for step <paramref name="i"/>.</summary>
    private static Tensor? RBackwardActivation(Tensor? rDelta, Tensor slope, Tensor? curvature, Tensor? ru, BatchState s, int i)
    {
        bool curved = curvature is not null && ru is not null;
        if (rDelta is null && !curved) return null;
        var r = s.Scratch(i, 1, slope.Shape);
        if (rDelta is null) return ProductSum(curvature!, ru!, null, null, r);
        return curved ? ProductSum(rDelta, slope, curvature, ru, r) : ProductSum(rDelta, slope, null, null, r);
    }

    private static int Rows(Tensor t, int features) => t.Numel / features;

    private static int Rows(Tensor t, LinearStep l) => t.Numel / l.Layer.OutFeatures;

    private static Tensor Contiguous(Tensor t) => t.Detach().Contiguous();

    /// <summary>c = op(a)·op(b) (+ c when <paramref name="accumulate"/>) on row-major contiguous tensors, by the library's GEMM.</summary>
    private static void Product(bool transA, bool transB, int m, int n, int k, Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        int lda = transA ? m : k, ldb = transB ? k : n;
        if (c.DType == DType.Float32)
            NNFunctional.Multiply(transA, transB, m, n, k, 1f, a.AsSpan<float>(), lda, b.AsSpan<float>(), ldb, accumulate ? 1f : 0f, c.AsSpan<float>(), n);
        else
            NNFunctional.Multiply(transA, transB, m, n, k, 1.0, a.AsSpan<double>(), lda, b.AsSpan<double>(), ldb, accumulate ? 1.0 : 0.0, c.AsSpan<double>(), n);
    }

    private static Tensor Multiply(Tensor a, Tensor b) => ProductSum(a, b, null, null, Tensor.Uninitialized(a.Shape, a.DType));

    private static void Clear(Tensor t)
    {
        if (t.DType == DType.Float32) t.AsSpan<float>().Clear();
        else t.AsSpan<double>().Clear();
    }

    private static void FillRows(Tensor target, Tensor row, int rows)
    {
        int len = row.Numel;
        for (int r = 0; r < rows; r++)
        {
            if (target.DType == DType.Float32) row.AsSpan<float>().CopyTo(target.AsSpan<float>().Slice(r * len, len));
            else row.AsSpan<double>().CopyTo(target.AsSpan<double>().Slice(r * len, len));
        }
    }
}
