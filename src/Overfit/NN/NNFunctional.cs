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
        var y = Tensor.Uninitialized(input.Shape, input.DType);
        if (input.DType == DType.Float32) TensorPrimitives.Max(x.AsSpan<float>(), 0f, y.AsSpan<float>());
        else TensorPrimitives.Max(x.AsSpan<double>(), 0.0, y.AsSpan<double>());
        return Record(y, "Relu", [input], g =>
        {
            if (IsCreatingGraph) return [g.Mul(y.Gt(0.0))];
            var gc = g.Contiguous();
            var dx = Tensor.Uninitialized(input.Shape, input.DType);
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
