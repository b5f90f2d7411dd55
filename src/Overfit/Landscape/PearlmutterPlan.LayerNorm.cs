using System.Numerics;
using Overfit.NN;
using Overfit.Tensors;
using Tensor = Overfit.Tensors.Tensor;

namespace Overfit.Landscape;

/// <summary>What a normalization step's R rules read; x̂ is the normalized input.</summary>
internal abstract record NormalizationState(Tensor Normalized);

/// <summary>
/// LayerNorm over the trailing dims (C values per row): x̂ = (x − μ)·r, r = 1/√(var + ε), y = γ⊙x̂ + β. Per row, with
/// m = mean(x̂⊙R x): R x̂ = r·(R x − mean(R x) − x̂·m) and R r = −r²·m; R y = γ⊙R x̂ + x̂⊙V_γ + V_β. Going back, with
/// g = δ_y⊙γ and A = g − mean(g) − x̂·mean(g⊙x̂), δ_x = r·A; R g = Rδ_y⊙γ + δ_y⊙V_γ and
/// R δ_x = −r·m·δ_x + r·(R g − mean(R g) − R x̂·mean(g⊙x̂) − x̂·mean(R g⊙x̂ + g⊙R x̂)). Rows of H·v: Σ (Rδ_y⊙x̂ + δ_y⊙R x̂)
/// for γ and Σ Rδ_y for β.
/// </summary>
internal sealed partial class PearlmutterPlan
{
    /// <summary>A LayerNorm; the positions of its weight (γ) and bias (β) among the parameters (−1 where not among them).</summary>
    private sealed record LayerNormStep(LayerNorm Layer, int WeightIndex, int BiasIndex) : ParameterizedStep(Layer, WeightIndex, BiasIndex)
    {
        public override (Tensor? Weight, Tensor? Bias) Held => (LayerNormParameter(Layer, "weight"), LayerNormParameter(Layer, "bias"));
    }

    /// <summary>r per row and x̂.</summary>
    internal sealed record LayerNormState(Tensor InvStd, Tensor Normalized) : NormalizationState(Normalized);

    private static Tensor? LayerNormParameter(LayerNorm ln, string name)
        => ln.NamedParameters().Where(p => p.Name == name).Select(p => p.Parameter).FirstOrDefault();

    private int Cols(LayerNormStep ln) => ln.Layer.NormalizedShape.Aggregate(1, (a, b) => a * b);

    private LayerNormState Normalize(LayerNormStep ln, Tensor x)
    {
        int cols = Cols(ln), rows = x.Numel / cols;
        var (r, xhat) = (Tensor.Uninitialized([rows], _dtype), Tensor.Uninitialized(x.Shape, _dtype));
        if (_dtype == DType.Float32) Normalize<float>(x.AsSpan<float>(), rows, cols, ln.Layer.Eps, r.AsSpan<float>(), xhat.AsSpan<float>());
        else Normalize<double>(x.AsSpan<double>(), rows, cols, ln.Layer.Eps, r.AsSpan<double>(), xhat.AsSpan<double>());
        return new LayerNormState(r, xhat);
    }

    private static void Normalize<T>(ReadOnlySpan<T> x, int rows, int cols, double eps, Span<T> r, Span<T> xhat) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int n = 0; n < rows; n++)
        {
            var row = x.Slice(n * cols, cols);
            double mean = 0, sq = 0;
            foreach (var v in row) mean += double.CreateTruncating(v);
            mean /= cols;
            foreach (var v in row) sq += (double.CreateTruncating(v) - mean) * (double.CreateTruncating(v) - mean);
            double inv = 1 / Math.Sqrt(sq / cols + eps);
            r[n] = T.CreateTruncating(inv);
            for (int c = 0; c < cols; c++) xhat[n * cols + c] = T.CreateTruncating((double.CreateTruncating(row[c]) - mean) * inv);
        }
    }

    /// <summary>δ_x = r·(g − mean(g) − x̂·mean(g⊙x̂)), g = δ_y⊙γ.</summary>
    private Tensor LayerNormDelta(LayerNormStep ln, LayerNormState st, Tensor d)
    {
        var dx = Tensor.Uninitialized(d.Shape, _dtype);
        var gamma = LayerNormParameter(ln.Layer, "weight");
        if (_dtype == DType.Float32) LayerNormDelta<float>(st, gamma, d.AsSpan<float>(), default, default, default, dx.AsSpan<float>());
        else LayerNormDelta<double>(st, gamma, d.AsSpan<double>(), default, default, default, dx.AsSpan<double>());
        return dx;
    }

    /// <summary>
    /// Per row: with rx̂ empty, δ_x = r·A(g); otherwise the R of it, R δ_x = −r·m·δ_x + r·(A(R g) − R x̂·mean(g⊙x̂) −
    /// x̂·mean(g⊙R x̂)), where g = δ_y⊙γ, R g = Rδ_y⊙γ + δ_y⊙V_γ (from <paramref name="rdy"/> and <paramref name="vg"/>,
    /// either may be empty) and m is read from <paramref name="m"/>.
    /// </summary>
    private static void LayerNormDelta<T>(LayerNormState st, Tensor? gammaTensor, ReadOnlySpan<T> dy, ReadOnlySpan<T> rdy, ReadOnlySpan<T> vg,
        ReadOnlySpan<T> rxhat, Span<T> into, ReadOnlySpan<T> m = default, ReadOnlySpan<T> dx = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> r = st.InvStd.AsSpan<T>(), xhat = st.Normalized.AsSpan<T>();
        ReadOnlySpan<T> gamma = gammaTensor is null ? default : gammaTensor.AsSpan<T>();
        int rows = r.Length, cols = dy.Length / rows;
        T count = T.CreateTruncating(cols);
        var g = new T[cols];
        for (int n = 0; n < rows; n++)
        {
            int o = n * cols;
            T meanG = T.Zero, meanGx = T.Zero;
            for (int c = 0; c < cols; c++)
            {
                g[c] = gamma.IsEmpty ? dy[o + c] : dy[o + c] * gamma[c];
                meanG += g[c];
                meanGx += g[c] * xhat[o + c];
            }
            meanG /= count;
            meanGx /= count;
            if (rxhat.IsEmpty && rdy.IsEmpty && vg.IsEmpty)
            {
                for (int c = 0; c < cols; c++) into[o + c] = r[n] * (g[c] - meanG - xhat[o + c] * meanGx);
                continue;
            }
            // R g, and the row means the R rule needs.
            T meanRg = T.Zero, meanRgx = T.Zero, meanGrx = T.Zero;
            for (int c = 0; c < cols; c++)
            {
                T rg = T.Zero;
                if (!rdy.IsEmpty) rg += gamma.IsEmpty ? rdy[o + c] : rdy[o + c] * gamma[c];
                if (!vg.IsEmpty) rg += dy[o + c] * vg[c];
                meanRg += rg;
                meanRgx += rg * xhat[o + c];
                if (!rxhat.IsEmpty) meanGrx += g[c] * rxhat[o + c];
                into[o + c] = rg;
            }
            meanRg /= count;
            meanRgx /= count;
            meanGrx /= count;
            T mn = m.IsEmpty ? T.Zero : m[n];
            for (int c = 0; c < cols; c++)
            {
                T ra = into[o + c] - meanRg - xhat[o + c] * (meanRgx + meanGrx);
                if (!rxhat.IsEmpty) ra -= rxhat[o + c] * meanGx;
                T v = r[n] * ra;
                if (!m.IsEmpty) v -= r[n] * mn * dx[o + c];
                into[o + c] = v;
            }
        }
    }

    /// <summary>R y = γ⊙R x̂ + x̂⊙V_γ + V_β, with R x̂ kept in the state's buffer for the R-backward pass; null when all are zero.</summary>
    private Tensor? RForwardLayerNorm(LayerNormStep ln, int i, BatchState s, Tensor? rx, Tensor[] v)
    {
        Tensor? vg = ln.WeightIndex >= 0 ? v[ln.WeightIndex] : null, vb = ln.BiasIndex >= 0 ? v[ln.BiasIndex] : null;
        if (rx is null && vg is null && vb is null) return null;
        var st = (LayerNormState)s.Norms[i]!;
        var ry = s.Scratch(i, 0, s.Values[i + 1].Shape);
        var rxhat = rx is null ? null : s.Scratch(i, 2, rx.Shape);
        if (_dtype == DType.Float32) RForwardLayerNorm<float>(ln, st, rx, vg, vb, rxhat, ry);
        else RForwardLayerNorm<double>(ln, st, rx, vg, vb, rxhat, ry);
        return ry;
    }

    private static void RForwardLayerNorm<T>(LayerNormStep ln, LayerNormState st, Tensor? rx, Tensor? vg, Tensor? vb, Tensor? rxhat, Tensor ry)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> r = st.InvStd.AsSpan<T>(), xhat = st.Normalized.AsSpan<T>();
        var gammaTensor = LayerNormParameter(ln.Layer, "weight");
        ReadOnlySpan<T> gamma = gammaTensor is null ? default : gammaTensor.AsSpan<T>();
        var o = ry.AsSpan<T>();
        int rows = r.Length, cols = o.Length / rows;
        T count = T.CreateTruncating(cols);
        for (int n = 0; n < rows; n++)
        {
            int b = n * cols;
            if (rx is not null)
            {
                ReadOnlySpan<T> x = rx.AsSpan<T>().Slice(b, cols);
                var rh = rxhat!.AsSpan<T>().Slice(b, cols);
                T mean = T.Zero, m = T.Zero;
                for (int c = 0; c < cols; c++)
                {
                    mean += x[c];
                    m += xhat[b + c] * x[c];
                }
                mean /= count;
                m /= count;
                for (int c = 0; c < cols; c++) rh[c] = r[n] * (x[c] - mean - xhat[b + c] * m);
            }
            for (int c = 0; c < cols; c++)
            {
                T v = T.Zero;
                if (rx is not null) v = gamma.IsEmpty ? rxhat!.AsSpan<T>()[b + c] : gamma[c] * rxhat!.AsSpan<T>()[b + c];
                if (vg is not null) v += xhat[b + c] * vg.AsSpan<T>()[c];
                if (vb is not null) v += vb.AsSpan<T>()[c];
                o[b + c] = v;
            }
        }
    }

    /// <summary>The layer's rows of H·v (γ: Σ Rδ_y⊙x̂ + δ_y⊙R x̂; β: Σ Rδ_y) and, unless it is the first parameterized step, R δ at its input.</summary>
    private Tensor? RBackwardLayerNorm(LayerNormStep ln, int i, BatchState s, Tensor? rx, Tensor? rDelta, Tensor[] v, Tensor?[] hv, bool[] written)
    {
        var st = (LayerNormState)s.Norms[i]!;
        var delta = s.Deltas[i + 1]!;
        Tensor? vg = ln.WeightIndex >= 0 ? v[ln.WeightIndex] : null;
        int cols = Cols(ln), rows = delta.Numel / cols;
        var rxhat = rx is null ? null : s.Scratch(i, 2, rx.Shape); // R x̂, from the R-forward pass
        if (ln.WeightIndex >= 0 && (rDelta is not null || rx is not null))
        {
            var g = hv[ln.WeightIndex] ??= Tensor.Uninitialized(_parameters[ln.WeightIndex].Shape, _dtype);
            if (_dtype == DType.Float32) GammaRows<float>(rDelta, st.Normalized, delta, rxhat, g.AsSpan<float>());
            else GammaRows<double>(rDelta, st.Normalized, delta, rxhat, g.AsSpan<double>());
            written[ln.WeightIndex] = true;
        }
        if (ln.BiasIndex >= 0 && rDelta is not null)
        {
            ColumnSums(rDelta, rows, cols, hv[ln.BiasIndex] ??= Tensor.Uninitialized(_parameters[ln.BiasIndex].Shape, _dtype));
            written[ln.BiasIndex] = true;
        }
        // The layer is not linear in x: R x alone moves δ_x.
        if (i == _first || (rDelta is null && vg is null && rx is null)) return null;
        var dx = s.Scratch(i, 1, delta.Shape);
        var gamma = LayerNormParameter(ln.Layer, "weight");
        if (_dtype == DType.Float32) RBackwardLayerNorm<float>(st, gamma, delta, rDelta, vg, rx, rxhat, s.Deltas[i]!, dx);
        else RBackwardLayerNorm<double>(st, gamma, delta, rDelta, vg, rx, rxhat, s.Deltas[i]!, dx);
        return dx;
    }

    private static void RBackwardLayerNorm<T>(LayerNormState st, Tensor? gamma, Tensor delta, Tensor? rDelta, Tensor? vg, Tensor? rx, Tensor? rxhat,
        Tensor dx, Tensor into) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // m = mean(x̂⊙R x) per row (R r = −r²·m).
        T[]? m = null;
        if (rx is not null)
        {
            ReadOnlySpan<T> x = rx.AsSpan<T>(), xhat = st.Normalized.AsSpan<T>();
            int rows = st.InvStd.Numel, cols = x.Length / rows;
            m = new T[rows];
            for (int n = 0; n < rows; n++)
            {
                T sum = T.Zero;
                for (int c = 0; c < cols; c++) sum += xhat[n * cols + c] * x[n * cols + c];
                m[n] = sum / T.CreateTruncating(cols);
            }
        }
        LayerNormDelta<T>(st, gamma, delta.AsSpan<T>(), rDelta is null ? default : rDelta.AsSpan<T>(), vg is null ? default : vg.AsSpan<T>(),
            rxhat is null ? default : rxhat.AsSpan<T>(), into.AsSpan<T>(), m, m is null ? default : dx.AsSpan<T>());
    }

    private static void GammaRows<T>(Tensor? rDelta, Tensor xhat, Tensor delta, Tensor? rxhat, Span<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.Clear();
        ReadOnlySpan<T> xh = xhat.AsSpan<T>(), d = delta.AsSpan<T>();
        ReadOnlySpan<T> rd = rDelta is null ? default : rDelta.AsSpan<T>(), rh = rxhat is null ? default : rxhat.AsSpan<T>();
        int cols = g.Length;
        for (int k = 0; k < d.Length; k++)
        {
            int c = k % cols;
            if (!rd.IsEmpty) g[c] += rd[k] * xh[k];
            if (!rh.IsEmpty) g[c] += d[k] * rh[k];
        }
    }
}
