using System.Numerics.Tensors;
using Overfit.NN;
using Overfit.Tensors;
using Overfit.Tensors.Kernels;
using Tensor = Overfit.Tensors.Tensor;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Landscape;

internal sealed partial class PearlmutterPlan
{
    /// <summary>H·v for the batch of <paramref name="s"/>: one R-forward and one R-backward pass; one tensor per parameter.</summary>
    public Tensor[] Hvp(BatchState s, Tensor[] v)
    {
        int n = _steps.Length;
        var direction = Array.ConvertAll(v, t => (t.DType == _dtype ? t.Detach() : t.Detach().To(_dtype)).Contiguous());
        // rValues[i] = R(Values[i]); null stands for zero (everything before the first parameterized layer).
        var rValues = new Tensor?[n + 1];
        for (int i = _first; i < n; i++)
        {
            var r = rValues[i];
            rValues[i + 1] = _steps[i] switch
            {
                LinearStep l => RForwardLinear(l, s.Values[i], r, direction, s.Values[i + 1].Shape),
                ActivationStep => r is null ? null : Multiply(s.Slopes[i]!, r),
                _ => r?.Reshape(s.Values[i + 1].Shape),
            };
        }
        // R(∂L/∂output) = ∇²L(output)·R(output): the second backward through the loss alone.
        Tensor? rDelta = rValues[n] is null || s.OutputGradient is null ? null
            : AG.Gradient(s.OutputGradient, [s.OutputLeaf], rValues[n], retainGraph: true)[0].Detach().Contiguous();

        var hv = new Tensor?[_parameters.Count];
        for (int i = n - 1; i >= _first; i--)
        {
            var previous = rDelta;
            rDelta = _steps[i] switch
            {
                LinearStep l => RBackwardLinear(l, i, s, rValues[i], rDelta, direction, hv),
                ActivationStep => RBackwardActivation(rDelta, s.Slopes[i]!, s.Curvatures[i], rValues[i]),
                _ => rDelta?.Reshape(s.Values[i].Shape),
            };
            // Intermediates go back to the storage pool (a no-op for any that a view still shares).
            previous?.Dispose();
        }
        foreach (var r in rValues) r?.Dispose();
        for (int k = 0; k < hv.Length; k++) hv[k] ??= Tensor.ZerosLike(_parameters[k]);
        return hv!;
    }

    /// <summary>R z = V_b + x·V_Wᵀ + R x·Wᵀ, accumulated in one buffer by the GEMM's beta; null when all three are zero.</summary>
    private Tensor? RForwardLinear(LinearStep l, Tensor x, Tensor? rx, Tensor[] v, int[] shape)
    {
        Tensor? vw = l.WeightIndex >= 0 ? v[l.WeightIndex] : null, vb = l.BiasIndex >= 0 ? v[l.BiasIndex] : null;
        if (rx is null && vw is null && vb is null) return null;
        int rows = Rows(x, l.Layer.InFeatures), inF = l.Layer.InFeatures, outF = l.Layer.OutFeatures;
        var rz = Tensor.Uninitialized(shape, _dtype);
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
    /// The layer's rows of H·v (Rδᵀ·x + δᵀ·R x, Σ Rδ) and, unless it is the first parameterized layer, R δ at its
    /// input (Rδ·W + δ·V_W). The two products are independent, so large ones run on two cores, as a Linear's backward does.
    /// </summary>
    private Tensor? RBackwardLinear(LinearStep l, int i, BatchState s, Tensor? rx, Tensor? rDelta, Tensor[] v, Tensor?[] hv)
    {
        var x = s.Values[i];
        var delta = s.Deltas[i + 1]!;
        int rows = Rows(x, l.Layer.InFeatures), inF = l.Layer.InFeatures, outF = l.Layer.OutFeatures;
        Tensor? vw = l.WeightIndex >= 0 ? v[l.WeightIndex] : null;
        bool wantInput = i > _first && (rDelta is not null || vw is not null);
        bool wantWeight = l.WeightIndex >= 0 && (rDelta is not null || rx is not null);
        var dx = wantInput ? Tensor.Uninitialized(x.Shape, _dtype) : null;
        var dw = wantWeight ? Tensor.Uninitialized([outF, inF], _dtype) : null;
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
        if (dw is not null) hv[l.WeightIndex] = dw;
        if (l.BiasIndex >= 0 && rDelta is not null) hv[l.BiasIndex] = ColumnSums(rDelta, rows, outF);
        return dx;
    }

    /// <summary>Rδ_u = Rδ_y⊙f'(u) + (δ_y⊙f''(u))⊙R u.</summary>
    private Tensor? RBackwardActivation(Tensor? rDelta, Tensor slope, Tensor? curvature, Tensor? ru)
    {
        bool curved = curvature is not null && ru is not null;
        if (rDelta is null) return curved ? Multiply(curvature!, ru!) : null;
        var r = Multiply(rDelta, slope);
        if (curved)
        {
            if (_dtype == DType.Float32) TensorPrimitives.MultiplyAdd(curvature!.AsSpan<float>(), ru!.AsSpan<float>(), r.AsSpan<float>(), r.AsSpan<float>());
            else TensorPrimitives.MultiplyAdd(curvature!.AsSpan<double>(), ru!.AsSpan<double>(), r.AsSpan<double>(), r.AsSpan<double>());
        }
        return r;
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

    private static Tensor Multiply(Tensor a, Tensor b)
    {
        var r = Tensor.Uninitialized(a.Shape, a.DType);
        if (a.DType == DType.Float32) TensorPrimitives.Multiply(a.AsSpan<float>(), b.AsSpan<float>(), r.AsSpan<float>());
        else TensorPrimitives.Multiply(a.AsSpan<double>(), b.AsSpan<double>(), r.AsSpan<double>());
        return r;
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

    private static Tensor ColumnSums(Tensor t, int rows, int cols)
    {
        var sum = Tensor.Zeros([cols], t.DType);
        for (int r = 0; r < rows; r++)
        {
            if (t.DType == DType.Float32) TensorPrimitives.Add(sum.AsSpan<float>(), t.AsSpan<float>().Slice(r * cols, cols), sum.AsSpan<float>());
            else TensorPrimitives.Add(sum.AsSpan<double>(), t.AsSpan<double>().Slice(r * cols, cols), sum.AsSpan<double>());
        }
        return sum;
    }
}
