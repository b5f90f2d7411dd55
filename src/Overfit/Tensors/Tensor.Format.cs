using System.Globalization;
using System.Text;

namespace Overfit.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Runs reverse-mode differentiation from this tensor into the leaves' <see cref="Grad"/>; with
    /// <paramref name="createGraph"/> the gradients are themselves recorded, so they can be differentiated again.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
        => Autograd.Autograd.Backward(this, gradient, retainGraph, createGraph);

    /// <summary>NumPy-like text: nested brackets, at most 6 items per dimension, then dtype and grad info.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("tensor(");
        var c = Detach().Contiguous();
        Append(sb, c, 0, 0, 7);
        sb.Append(", shape=").Append(ShapeUtil.Format(_shape)).Append(", dtype=").Append(DType.Name());
        if (GradFn is not null) sb.Append(", grad_fn=").Append(GradFn.Name);
        else if (RequiresGrad) sb.Append(", requires_grad=true");
        return sb.Append(')').ToString();
    }

    private static void Append(StringBuilder sb, Tensor c, int dim, int offset, int indent)
    {
        if (c.Rank == 0) { sb.Append(FormatValue(c.GetFlat(0))); return; }
        int size = c._shape[dim];
        int stride = c._strides[dim];
        sb.Append('[');
        for (int i = 0; i < size; i++)
        {
            bool last = dim == c.Rank - 1;
            if (size > 6 && i == 3)
            {
                if (last) sb.Append("..., ");
                else sb.Append('\n').Append(' ', indent + dim + 1).Append("...,");
                i = size - 3;
            }
            if (last) sb.Append(FormatValue(c.GetFlat(offset + i * stride)));
            else
            {
                if (i > 0) sb.Append('\n').Append(' ', indent + dim + 1);
                Append(sb, c, dim + 1, offset + i * stride, indent);
            }
            // No trailing blank before a line break.
            if (i < size - 1) sb.Append(last ? ", " : ",");
        }
        sb.Append(']');
    }

    private static string FormatValue(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
