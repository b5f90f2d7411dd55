using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>
/// A differentiable gather/scatter pair over flat row-major offsets: each one's gradient is the other, so the
/// backward rules of the indexing ops (Slice, Gather, IndexSelect) built from them can be differentiated again.
/// Used by those rules in createGraph mode; the first-order path keeps its direct kernels.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Elements of this tensor's row-major order at <paramref name="offsets"/>, as a tensor of <paramref name="shape"/>.</summary>
    internal Tensor TakeFlat(int[] offsets, int[] shape)
    {
        var src = Detach().Contiguous();
        var r = Empty(shape, DType);
        if (DType == DType.Float32)
        {
            Span<float> s = src.AsSpan<float>(), d = r.AsSpan<float>();
            for (int i = 0; i < offsets.Length; i++) d[i] = s[offsets[i]];
        }
        else
        {
            Span<double> s = src.AsSpan<double>(), d = r.AsSpan<double>();
            for (int i = 0; i < offsets.Length; i++) d[i] = s[offsets[i]];
        }
        var inShape = _shape;
        return Record(r, "TakeFlat", [this], g => [g.ScatterAddFlat(offsets, inShape)]);
    }

    /// <summary>A zero tensor of <paramref name="shape"/> with this tensor's elements added at <paramref name="offsets"/>.</summary>
    internal Tensor ScatterAddFlat(int[] offsets, int[] shape)
    {
        var src = Detach().Contiguous();
        var acc = Zeros(shape, DType);
        if (DType == DType.Float32)
        {
            Span<float> s = src.AsSpan<float>(), d = acc.AsSpan<float>();
            for (int i = 0; i < offsets.Length; i++) d[offsets[i]] += s[i];
        }
        else
        {
            Span<double> s = src.AsSpan<double>(), d = acc.AsSpan<double>();
            for (int i = 0; i < offsets.Length; i++) d[offsets[i]] += s[i];
        }
        var outShape = _shape;
        return Record(acc, "ScatterAddFlat", [this], g => [g.TakeFlat(offsets, outShape)]);
    }

    /// <summary>
    /// Where each element of <paramref name="view"/>(positions) sits in the row-major order of a tensor of
    /// <paramref name="shape"/>: the view is applied to a tensor holding each position's own index.
    /// </summary>
    internal static int[] FlatOffsets(int[] shape, Func<Tensor, Tensor> view)
    {
        Tensor picked;
        using (NoGrad()) picked = view(Arange(ShapeUtil.Numel(shape), DType.Float64).Reshape(shape)).Contiguous();
        var span = picked.AsSpan<double>();
        var offsets = new int[span.Length];
        for (int i = 0; i < offsets.Length; i++) offsets[i] = (int)span[i];
        return offsets;
    }
}
