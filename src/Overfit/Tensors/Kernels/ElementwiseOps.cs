using System.Numerics;
using System.Runtime.Intrinsics;

namespace Overfit.Tensors.Kernels;

// Operator structs for activations, their derivatives, comparisons and selection. Comparisons with NaN
// are false, as in IEEE 754, so a NaN input falls into the "else" branch of every select below unless
// the op keeps x itself (then NaN propagates).

/// <summary>x > 0 ? x : slope·x.</summary>
internal readonly struct LeakyReluOp<T>(T slope) : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => x > T.Zero ? x : x * slope;
    public Vector<T> Invoke(Vector<T> x) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, x * new Vector<T>(slope));
}

/// <summary>Clamps into [lo, hi]; NaN stays NaN.</summary>
internal readonly struct ClampOp<T>(T lo, T hi) : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => x < lo ? lo : x > hi ? hi : x;
    public Vector<T> Invoke(Vector<T> x)
    {
        var vlo = new Vector<T>(lo);
        var vhi = new Vector<T>(hi);
        return Vector.ConditionalSelect(Vector.LessThan(x, vlo), vlo, Vector.ConditionalSelect(Vector.GreaterThan(x, vhi), vhi, x));
    }
}

/// <summary>-1, 0 or 1; NaN and ±0 pass through unchanged.</summary>
internal readonly struct SignOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x) => x > T.Zero ? T.One : x < T.Zero ? -T.One : x;
    public Vector<T> Invoke(Vector<T> x) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), Vector<T>.One,
        Vector.ConditionalSelect(Vector.LessThan(x, Vector<T>.Zero), -Vector<T>.One, x));
}

/// <summary>Gradient of a rectifier from its output r and the incoming gradient g: r > 0 ? g : 0.</summary>
internal readonly struct ReluGradOp<T> : ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T r, T g) => r > T.Zero ? g : T.Zero;
    public Vector<T> Invoke(Vector<T> r, Vector<T> g) => Vector.ConditionalSelect(Vector.GreaterThan(r, Vector<T>.Zero), g, Vector<T>.Zero);
    public Vector512<T> Invoke(Vector512<T> r, Vector512<T> g) => Vector512.ConditionalSelect(Vector512.GreaterThan(r, Vector512<T>.Zero), g, Vector512<T>.Zero);
}

/// <summary>Gradient of leaky ReLU from its input x: x > 0 ? g : slope·g.</summary>
internal readonly struct LeakyReluGradOp<T>(T slope) : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T g) => x > T.Zero ? g : g * slope;
    public Vector<T> Invoke(Vector<T> x, Vector<T> g) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), g, g * new Vector<T>(slope));
}

/// <summary>ELU from x and e = expm1(x): x > 0 ? x : alpha·e.</summary>
internal readonly struct EluOp<T>(T alpha) : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T e) => x > T.Zero ? x : alpha * e;
    public Vector<T> Invoke(Vector<T> x, Vector<T> e) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, e * new Vector<T>(alpha));
}

/// <summary>Gradient of ELU from its output r (for x ≤ 0, alpha·e^x = r + alpha): r > 0 ? g : g·(r + alpha).</summary>
internal readonly struct EluGradOp<T>(T alpha) : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T r, T g) => r > T.Zero ? g : g * (r + alpha);
    public Vector<T> Invoke(Vector<T> r, Vector<T> g) => Vector.ConditionalSelect(Vector.GreaterThan(r, Vector<T>.Zero), g, g * (r + new Vector<T>(alpha)));
}

/// <summary>Gradient of clamp from its input x: lo ≤ x ≤ hi ? g : 0 (PyTorch passes the gradient at the bounds).</summary>
internal readonly struct ClampGradOp<T>(T lo, T hi) : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T g) => x >= lo && x <= hi ? g : T.Zero;
    public Vector<T> Invoke(Vector<T> x, Vector<T> g)
    {
        var inside = Vector.GreaterThanOrEqual(x, new Vector<T>(lo)) & Vector.LessThanOrEqual(x, new Vector<T>(hi));
        return Vector.ConditionalSelect(inside, g, Vector<T>.Zero);
    }
}

/// <summary>Gradient of the logistic sigmoid from its output r: g·r·(1 − r), one pass instead of four ops.</summary>
internal readonly struct SigmoidGradOp<T> : ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T r, T g) => g * r * (T.One - r);
    public Vector<T> Invoke(Vector<T> r, Vector<T> g) => g * r * (Vector<T>.One - r);
    public Vector512<T> Invoke(Vector512<T> r, Vector512<T> g) => g * r * (Vector512<T>.One - r);
}

/// <summary>Gradient of tanh from its output r: g·(1 − r²).</summary>
internal readonly struct TanhGradOp<T> : ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T r, T g) => g * (T.One - r * r);
    public Vector<T> Invoke(Vector<T> r, Vector<T> g) => g * (Vector<T>.One - r * r);
    public Vector512<T> Invoke(Vector512<T> r, Vector512<T> g) => g * (Vector512<T>.One - r * r);
}

/// <summary>Keeps g where the condition c is non-zero (or where it is zero, when <c>whereZero</c>), else 0.</summary>
internal readonly struct MaskOp<T>(bool whereZero) : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T c, T g) => (c != T.Zero) != whereZero ? g : T.Zero;
    public Vector<T> Invoke(Vector<T> c, Vector<T> g)
    {
        var nonZero = ~Vector.Equals(c, Vector<T>.Zero);
        return whereZero ? Vector.ConditionalSelect(nonZero, Vector<T>.Zero, g) : Vector.ConditionalSelect(nonZero, g, Vector<T>.Zero);
    }
}

/// <summary>c ≠ 0 ? x : y (NaN counts as non-zero, like a C condition).</summary>
internal readonly struct SelectOp<T> : ITernaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T c, T x, T y) => c != T.Zero ? x : y;
    public Vector<T> Invoke(Vector<T> c, Vector<T> x, Vector<T> y) => Vector.ConditionalSelect(Vector.Equals(c, Vector<T>.Zero), y, x);
}

/// <summary>The six comparisons as 0/1 values.</summary>
internal enum Comparison { Gt, Lt, Ge, Le, Eq, Ne }

internal readonly struct CompareOp<T>(Comparison kind) : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T y) => kind switch
    {
        Comparison.Gt => x > y,
        Comparison.Lt => x < y,
        Comparison.Ge => x >= y,
        Comparison.Le => x <= y,
        Comparison.Eq => x == y,
        _ => x != y,
    } ? T.One : T.Zero;

    public Vector<T> Invoke(Vector<T> x, Vector<T> y)
    {
        var mask = kind switch
        {
            Comparison.Gt => Vector.GreaterThan(x, y),
            Comparison.Lt => Vector.LessThan(x, y),
            Comparison.Ge => Vector.GreaterThanOrEqual(x, y),
            Comparison.Le => Vector.LessThanOrEqual(x, y),
            Comparison.Eq => Vector.Equals(x, y),
            _ => ~Vector.Equals(x, y),
        };
        return Vector.ConditionalSelect(mask, Vector<T>.One, Vector<T>.Zero);
    }
}

/// <summary>x + y as a lane-wise op (IEEE addition, so the same bits as TensorPrimitives.Add), for the row-broadcast loop.</summary>
internal readonly struct AddOp<T> : ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T y) => x + y;
    public Vector<T> Invoke(Vector<T> x, Vector<T> y) => x + y;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
}

/// <summary>x − y as a lane-wise op.</summary>
internal readonly struct SubOp<T> : ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T y) => x - y;
    public Vector<T> Invoke(Vector<T> x, Vector<T> y) => x - y;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x - y;
}

/// <summary>x · y as a lane-wise op.</summary>
internal readonly struct MulOp<T> : ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T y) => x * y;
    public Vector<T> Invoke(Vector<T> x, Vector<T> y) => x * y;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
}

/// <summary>x / y as a lane-wise op.</summary>
internal readonly struct DivOp<T> : ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T y) => x / y;
    public Vector<T> Invoke(Vector<T> x, Vector<T> y) => x / y;
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x / y;
}

/// <summary>op(y, x): a lane-wise op with its operands swapped (a broadcast row as the first operand).</summary>
internal readonly struct SwappedOp<TOp, T>(TOp op) : ILanewiseBinaryOp<T> where TOp : struct, ILanewiseBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Invoke(T x, T y) => op.Invoke(y, x);
    public Vector<T> Invoke(Vector<T> x, Vector<T> y) => op.Invoke(y, x);
    public Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => op.Invoke(y, x);
}
