using System.Numerics;
using Overfit.NN;
using Overfit.Tensors;
using Tensor = Overfit.Tensors.Tensor;

namespace Overfit.Landscape;

/// <summary>
/// BatchNorm1d in eval mode on [N, C] rows: with the running statistics fixed it is the per-feature affine map
/// y = x̂·γ + β, x̂ = (x − mean)·inv, inv = 1/√(var + ε), so its R rules are those of a diagonal linear layer:
/// R y = R x·inv·γ + x̂·V_γ + V_β; δ_x = δ_y·inv·γ; R δ_x = Rδ_y·inv·γ + δ_y·inv·V_γ; rows of H·v:
/// Σ_n (Rδ_y·x̂ + δ_y·R x·inv) for γ and Σ_n Rδ_y for β.
/// </summary>
internal sealed partial class PearlmutterPlan
{
    /// <summary>An eval-mode BatchNorm1d; the positions of its weight (γ) and bias (β) among the parameters (−1 where not among them).</summary>
    private sealed record BatchNormStep(BatchNorm1d Layer, int WeightIndex, int BiasIndex) : ParameterizedStep(Layer, WeightIndex, BiasIndex)
    {
        public override (Tensor? Weight, Tensor? Bias) Held => (Layer.Weight, Layer.Bias);
    }

    /// <summary>What a BatchNorm step's R rules read: inv per feature, scale = inv·γ (inv without affine), and x̂ for γ's rows.</summary>
    internal sealed record NormState(Tensor Inv, Tensor Scale, Tensor Normalized) : NormalizationState(Normalized);

    /// <summary>Whether a BatchNorm layer computes the fixed affine map: eval mode with running statistics.</summary>
    private static bool Fixed(BatchNormBase bn) => !bn.Training && bn.TrackRunningStats && bn.RunningMean is not null && bn.RunningVar is not null;

    /// <summary>inv, scale and x̂ for the layer's input <paramref name="x"/> ([N, C], contiguous); null for any other rank.</summary>
    private NormState? Normalize(BatchNormStep b, Tensor x)
    {
        if (x.Rank != 2) return null;
        int rows = x.ShapeSpan[0], cols = x.ShapeSpan[1];
        var (inv, scale, xhat) = (Tensor.Uninitialized([cols], _dtype), Tensor.Uninitialized([cols], _dtype), Tensor.Uninitialized(x.Shape, _dtype));
        var mean = b.Layer.RunningMean!.ToDoubleArray();
        var variance = b.Layer.RunningVar!.ToDoubleArray();
        var gamma = b.Layer.Weight?.ToDoubleArray();
        if (_dtype == DType.Float32) Normalize<float>(x.AsSpan<float>(), rows, cols, mean, variance, gamma, b.Layer.Eps, inv.AsSpan<float>(), scale.AsSpan<float>(), xhat.AsSpan<float>());
        else Normalize<double>(x.AsSpan<double>(), rows, cols, mean, variance, gamma, b.Layer.Eps, inv.AsSpan<double>(), scale.AsSpan<double>(), xhat.AsSpan<double>());
        return new NormState(inv, scale, xhat);
    }

    private static void Normalize<T>(ReadOnlySpan<T> x, int rows, int cols, double[] mean, double[] variance, double[]? gamma, double eps,
        Span<T> inv, Span<T> scale, Span<T> xhat) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = 0; c < cols; c++)
        {
            double i = 1 / Math.Sqrt(variance[c] + eps);
            inv[c] = T.CreateTruncating(i);
            scale[c] = T.CreateTruncating(gamma is null ? i : i * gamma[c]);
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                xhat[r * cols + c] = T.CreateTruncating((double.CreateTruncating(x[r * cols + c]) - mean[c]) * double.CreateTruncating(inv[c]));
    }

    /// <summary>δ_x = δ_y·scale, per feature.</summary>
    private static Tensor ScaleColumns(Tensor d, Tensor scale)
    {
        var r = Tensor.Uninitialized(d.Shape, d.DType);
        if (d.DType == DType.Float32) RowsTimes<float>(d.AsSpan<float>(), scale.AsSpan<float>(), default, default, r.AsSpan<float>());
        else RowsTimes<double>(d.AsSpan<double>(), scale.AsSpan<double>(), default, default, r.AsSpan<double>());
        return r;
    }

    /// <summary>into[n, c] = a[n, c]·s[c] (a may be empty: zero) + b[n, c]·t[c] (b may be empty: zero).</summary>
    private static void RowsTimes<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> s, ReadOnlySpan<T> b, ReadOnlySpan<T> t, Span<T> into)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cols = !s.IsEmpty ? s.Length : t.Length;
        for (int k = 0; k < into.Length; k++)
        {
            int c = k % cols;
            T v = T.Zero;
            if (!a.IsEmpty) v = a[k] * s[c];
            if (!b.IsEmpty) v += b[k] * t[c];
            into[k] = v;
        }
    }

    /// <summary>R y = R x·scale + x̂·V_γ + V_β; null when all three are zero.</summary>
    private Tensor? RForwardBatchNorm(BatchNormStep b, NormState norm, Tensor? rx, Tensor[] v, Tensor ry)
    {
        Tensor? vg = b.WeightIndex >= 0 ? v[b.WeightIndex] : null, vb = b.BiasIndex >= 0 ? v[b.BiasIndex] : null;
        if (rx is null && vg is null && vb is null) return null;
        if (_dtype == DType.Float32) RForwardBatchNorm<float>(norm, rx, vg, vb, ry);
        else RForwardBatchNorm<double>(norm, rx, vg, vb, ry);
        return ry;
    }

    private static void RForwardBatchNorm<T>(NormState norm, Tensor? rx, Tensor? vg, Tensor? vb, Tensor ry) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = ry.AsSpan<T>();
        RowsTimes<T>(rx is null ? default : rx.AsSpan<T>(), norm.Scale.AsSpan<T>(), vg is null ? default : norm.Normalized.AsSpan<T>(), vg is null ? default : vg.AsSpan<T>(), o);
        if (vb is null) return;
        var beta = vb.AsSpan<T>();
        for (int k = 0; k < o.Length; k++) o[k] += beta[k % beta.Length];
    }

    /// <summary>The layer's rows of H·v (γ: Σ Rδ_y·x̂ + δ_y·R x·inv; β: Σ Rδ_y) and, unless it is the first parameterized step, R δ at its input.</summary>
    private Tensor? RBackwardBatchNorm(BatchNormStep b, int i, BatchState s, Tensor? rx, Tensor? rDelta, Tensor[] v, Tensor?[] hv, bool[] written)
    {
        var norm = (NormState)s.Norms[i]!;
        var delta = s.Deltas[i + 1]!;
        Tensor? vg = b.WeightIndex >= 0 ? v[b.WeightIndex] : null;
        int cols = norm.Inv.Numel;
        if (b.WeightIndex >= 0 && (rDelta is not null || rx is not null))
        {
            var g = hv[b.WeightIndex] ??= Tensor.Uninitialized([cols], _dtype);
            if (_dtype == DType.Float32) GammaRows<float>(rDelta, norm, delta, rx, g.AsSpan<float>());
            else GammaRows<double>(rDelta, norm, delta, rx, g.AsSpan<double>());
            written[b.WeightIndex] = true;
        }
        if (b.BiasIndex >= 0 && rDelta is not null)
        {
            ColumnSums(rDelta, rDelta.Numel / cols, cols, hv[b.BiasIndex] ??= Tensor.Uninitialized([cols], _dtype));
            written[b.BiasIndex] = true;
        }
        if (i == _first || (rDelta is null && vg is null)) return null;
        var dx = s.Scratch(i, 1, delta.Shape);
        if (_dtype == DType.Float32) InputRows<float>(rDelta, norm, delta, vg, dx);
        else InputRows<double>(rDelta, norm, delta, vg, dx);
        return dx;
    }

    private static void GammaRows<T>(Tensor? rDelta, NormState norm, Tensor delta, Tensor? rx, Span<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.Clear();
        ReadOnlySpan<T> inv = norm.Inv.AsSpan<T>(), xhat = norm.Normalized.AsSpan<T>(), d = delta.AsSpan<T>();
        ReadOnlySpan<T> rd = rDelta is null ? default : rDelta.AsSpan<T>(), r = rx is null ? default : rx.AsSpan<T>();
        int cols = g.Length;
        for (int k = 0; k < d.Length; k++)
        {
            int c = k % cols;
            if (!rd.IsEmpty) g[c] += rd[k] * xhat[k];
            if (!r.IsEmpty) g[c] += d[k] * r[k] * inv[c];
        }
    }

    private static void InputRows<T>(Tensor? rDelta, NormState norm, Tensor delta, Tensor? vg, Tensor dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> t = vg is null ? default : new T[norm.Inv.Numel];
        if (vg is not null)
        {
            ReadOnlySpan<T> inv = norm.Inv.AsSpan<T>(), w = vg.AsSpan<T>();
            for (int c = 0; c < t.Length; c++) t[c] = inv[c] * w[c];
        }
        RowsTimes<T>(rDelta is null ? default : rDelta.AsSpan<T>(), norm.Scale.AsSpan<T>(), vg is null ? default : delta.AsSpan<T>(), t, dx.AsSpan<T>());
    }
}
