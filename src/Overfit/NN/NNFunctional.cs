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

    /// <summary>max(x, 0) (torch.nn.functional.relu): the one ReLU, <see cref="Tensor.Relu"/>.</summary>
    public static Tensor Relu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }
}
