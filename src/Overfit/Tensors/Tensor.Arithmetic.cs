using System.Numerics;
using Overfit.Tensors.Kernels;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>Binary arithmetic with broadcasting; each op states its gradient rule next to its forward.</summary>
public sealed partial class Tensor
{
    /// <summary>Elementwise this + other with NumPy broadcasting (torch.add); both operands must share a dtype.</summary>
    /// <exception cref="ArgumentException">The dtypes differ or the shapes cannot be broadcast together.</exception>
    public Tensor Add(Tensor other)
    {
        var r = Broadcasting.Binary<AddKernel>(this, other, "Add");
        var (sa, sb) = (_shape, other._shape);
        return Record(r, "Add", [this, other], g => [g.SumToShape(sa), g.SumToShape(sb)]);
    }

    /// <summary>Elementwise this − other with broadcasting (torch.sub).</summary>
    /// <exception cref="ArgumentException">The dtypes differ or the shapes cannot be broadcast together.</exception>
    public Tensor Sub(Tensor other)
    {
        var r = Broadcasting.Binary<SubKernel>(this, other, "Sub");
        var (sa, sb) = (_shape, other._shape);
        return Record(r, "Sub", [this, other], g => [g.SumToShape(sa), g.Neg().SumToShape(sb)]);
    }

    /// <summary>Elementwise this · other with broadcasting (torch.mul).</summary>
    /// <exception cref="ArgumentException">The dtypes differ or the shapes cannot be broadcast together.</exception>
    public Tensor Mul(Tensor other)
    {
        var r = Broadcasting.Binary<MulKernel>(this, other, "Mul");
        var (a, b) = (this, other);
        return Record(r, "Mul", [a, b], g => [
            a.RequiresGrad ? g.Mul(b).SumToShape(a._shape) : null,
            b.RequiresGrad ? g.Mul(a).SumToShape(b._shape) : null]);
    }

    /// <summary>Elementwise this / other with broadcasting (torch.div); division by zero gives ±∞ or NaN as in IEEE.</summary>
    /// <exception cref="ArgumentException">The dtypes differ or the shapes cannot be broadcast together.</exception>
    public Tensor Div(Tensor other)
    {
        var r = Broadcasting.Binary<DivKernel>(this, other, "Div");
        var (a, b) = (this, other);
        return Record(r, "Div", [a, b], g => [
            a.RequiresGrad ? g.Div(b).SumToShape(a._shape) : null,
            b.RequiresGrad ? g.Mul(r).Div(b).Neg().SumToShape(b._shape) : null]);
    }

    /// <summary>this ^ exponent elementwise; d/dbase = e·x^(e-1), d/dexponent = x^e·ln x.</summary>
    public Tensor Pow(Tensor exponent)
    {
        var r = Broadcasting.Binary<PowKernel>(this, exponent, "Pow");
        var (a, b) = (this, exponent);
        return Record(r, "Pow", [a, b], g => [
            a.RequiresGrad ? g.Mul(b).Mul(a.Pow(b.Sub(Scalar(1, b.DType)))).SumToShape(a._shape) : null,
            b.RequiresGrad ? ExponentGradient(g, a, b, r).SumToShape(b._shape) : null]);
    }

    /// <summary>g·x^e·ln x, with 0 where x = 0 and e ≥ 0 (the limit PyTorch uses, instead of 0·(−∞) = NaN).</summary>
    private static Tensor ExponentGradient(Tensor g, Tensor x, Tensor e, Tensor r)
    {
        var raw = g.Mul(r).Mul(x.Log());
        var zeroBase = x.Eq(0.0).Mul(e.Ge(0.0));
        return Where(zeroBase, Scalar(0, raw.DType), raw);
    }

    /// <summary>this ^ exponent elementwise for a constant exponent (torch.pow); gradient e·x^(e−1), zero when e = 0.</summary>
    public Tensor Pow(double exponent)
    {
        var r = Broadcasting.Binary<PowKernel>(this, Scalar(exponent, DType), "Pow");
        var a = this;
        return Record(r, "Pow", [a], g => [exponent == 0 ? ZerosLike(a) : g.Mul(a.Pow(exponent - 1)).Mul(exponent)]);
    }

    /// <summary>Elementwise maximum; the gradient goes to the larger operand (split evenly on ties, like PyTorch).</summary>
    public Tensor Maximum(Tensor other) => MinMax<MaxKernel>(other, "Maximum", larger: true);

    /// <summary>Elementwise minimum (torch.minimum); the gradient goes to the smaller operand (split evenly on ties).</summary>
    /// <exception cref="ArgumentException">The dtypes differ or the shapes cannot be broadcast together.</exception>
    public Tensor Minimum(Tensor other) => MinMax<MinKernel>(other, "Minimum", larger: false);

    private Tensor MinMax<TK>(Tensor other, string name, bool larger) where TK : struct, IBinaryKernel
    {
        var r = Broadcasting.Binary<TK>(this, other, name);
        var (a, b) = (this, other);
        return Record(r, name, [a, b], g =>
        {
            var aWins = larger ? a.Gt(b) : a.Lt(b);
            var tie = a.Eq(b).Mul(Scalar(0.5, a.DType));
            var wa = aWins.Add(tie);
            var wb = OnesLike(wa).Sub(wa);
            return [a.RequiresGrad ? g.Mul(wa).SumToShape(a._shape) : null, b.RequiresGrad ? g.Mul(wb).SumToShape(b._shape) : null];
        });
    }

    /// <summary>Adds a scalar, in this tensor's dtype.</summary>
    public Tensor Add(double s) => Add(Scalar(s, DType));
    /// <summary>Subtracts a scalar, in this tensor's dtype.</summary>
    public Tensor Sub(double s) => Sub(Scalar(s, DType));
    /// <summary>Multiplies by a scalar, in this tensor's dtype.</summary>
    public Tensor Mul(double s) => Mul(Scalar(s, DType));
    /// <summary>Divides by a scalar, in this tensor's dtype.</summary>
    public Tensor Div(double s) => Div(Scalar(s, DType));

    /// <summary>Elementwise sum with broadcasting; see <see cref="Add(Tensor)"/>.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Elementwise difference with broadcasting; see <see cref="Sub(Tensor)"/>.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Elementwise product with broadcasting; see <see cref="Mul(Tensor)"/>.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Elementwise quotient with broadcasting; see <see cref="Div(Tensor)"/>.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Elementwise negation; see <see cref="Neg"/>.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Add(s);
    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(double s, Tensor a) => a.Add(s);
    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Sub(s);
    /// <summary>Scalar minus every element.</summary>
    public static Tensor operator -(double s, Tensor a) => Scalar(s, a.DType).Sub(a);
    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);
    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);
    /// <summary>Divides every element by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Div(s);
    /// <summary>Scalar divided by every element.</summary>
    public static Tensor operator /(double s, Tensor a) => Scalar(s, a.DType).Div(a);

    // Comparisons give 0/1 tensors of the same dtype and are not differentiable.
    /// <summary>Elementwise this &gt; other as 0/1 in this dtype, with broadcasting (torch.gt; not differentiable).</summary>
    public Tensor Gt(Tensor other) => Compare(other, Comparison.Gt);
    /// <summary>Elementwise this &lt; other as 0/1 in this dtype, with broadcasting (torch.lt; not differentiable).</summary>
    public Tensor Lt(Tensor other) => Compare(other, Comparison.Lt);
    /// <summary>Elementwise this ≥ other as 0/1 in this dtype, with broadcasting (torch.ge; not differentiable).</summary>
    public Tensor Ge(Tensor other) => Compare(other, Comparison.Ge);
    /// <summary>Elementwise this ≤ other as 0/1 in this dtype, with broadcasting (torch.le; not differentiable).</summary>
    public Tensor Le(Tensor other) => Compare(other, Comparison.Le);
    /// <summary>Elementwise this == other as 0/1 in this dtype, with broadcasting (torch.eq; not differentiable).</summary>
    public Tensor Eq(Tensor other) => Compare(other, Comparison.Eq);
    /// <summary>Elementwise this ≠ other as 0/1 in this dtype, with broadcasting (torch.ne; NaN ≠ NaN is 1).</summary>
    public Tensor Ne(Tensor other) => Compare(other, Comparison.Ne);
    /// <summary>Elementwise this ≠ s as 0/1 in this dtype.</summary>
    public Tensor Ne(double s) => Ne(Scalar(s, DType));
    /// <summary>Elementwise this &gt; s as 0/1 in this dtype.</summary>
    public Tensor Gt(double s) => Gt(Scalar(s, DType));
    /// <summary>Elementwise this &lt; s as 0/1 in this dtype.</summary>
    public Tensor Lt(double s) => Lt(Scalar(s, DType));
    /// <summary>Elementwise this ≥ s as 0/1 in this dtype.</summary>
    public Tensor Ge(double s) => Ge(Scalar(s, DType));
    /// <summary>Elementwise this ≤ s as 0/1 in this dtype.</summary>
    public Tensor Le(double s) => Le(Scalar(s, DType));
    /// <summary>Elementwise this == s as 0/1 in this dtype.</summary>
    public Tensor Eq(double s) => Eq(Scalar(s, DType));

    private Tensor Compare(Tensor other, Comparison kind)
        => ZipOp(this, other, new CompareOp<float>(kind), new CompareOp<double>(kind), kind.ToString());

    /// <summary>Elementwise choice: <paramref name="x"/> where condition is non-zero, else <paramref name="y"/> (differentiable in x and y).</summary>
    public static Tensor Where(Tensor condition, Tensor x, Tensor y)
    {
        CheckSameDType(x, y, "Where");
        var shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(condition._shape, x._shape, "Where"), y._shape, "Where");
        // The condition may come in either dtype; it is read in x's dtype (0 stays 0, non-zero stays non-zero).
        var c = condition.Detach().To(x.DType).BroadcastTo(shape).Contiguous();
        var xb = x.Detach().BroadcastTo(shape).Contiguous();
        var yb = y.Detach().BroadcastTo(shape).Contiguous();
        var r = Uninitialized(shape, x.DType);
        if (x.DType == DType.Float32) VectorLoops.Map(new SelectOp<float>(), c.AsSpan<float>(), xb.AsSpan<float>(), yb.AsSpan<float>(), r.AsSpan<float>());
        else VectorLoops.Map(new SelectOp<double>(), c.AsSpan<double>(), xb.AsSpan<double>(), yb.AsSpan<double>(), r.AsSpan<double>());
        return Record(r, "Where", [x, y], g => IsCreatingGraph
            ? [x.RequiresGrad ? Where(c, g, ZerosLike(g)).SumToShape(x._shape) : null,
               y.RequiresGrad ? Where(c, ZerosLike(g), g).SumToShape(y._shape) : null]
            : [x.RequiresGrad ? ZipOp(c, g, new MaskOp<float>(false), new MaskOp<double>(false), "Where backward").SumToShape(x._shape) : null,
               y.RequiresGrad ? ZipOp(c, g, new MaskOp<float>(true), new MaskOp<double>(true), "Where backward").SumToShape(y._shape) : null]);
    }

    /// <summary>Sets elements where <paramref name="mask"/> is non-zero to <paramref name="value"/> (differentiable in this tensor).</summary>
    public Tensor MaskedFill(Tensor mask, double value) => Where(mask, Full([], value, DType), this);

    /// <summary>The elements where <paramref name="mask"/> (broadcast to this shape) is non-zero, as a 1-D tensor in row-major order (differentiable).</summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        var shape = ShapeUtil.Broadcast(_shape, mask._shape, "MaskedSelect");
        var m = mask.Detach().To(DType.Float64).BroadcastTo(shape).Contiguous().AsSpan<double>();
        var positions = new List<int>();
        for (int i = 0; i < m.Length; i++) if (m[i] != 0) positions.Add(i);
        var source = BroadcastTo(shape);
        return source.Reshape(-1).IndexSelect(0, [.. positions]);
    }

    internal static void ForEachDType(Tensor t, Action<float[]> f32, Action<double[]> f64)
    {
        if (t.Storage is float[] f) f32(f); else f64((double[])t.Storage);
    }

    internal static T ConvertScalar<T>(double v) where T : INumberBase<T> => T.CreateTruncating(v);
}
