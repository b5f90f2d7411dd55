using System.Numerics;
using Overfit.Tensors.Kernels;

namespace Overfit.Tensors;

/// <summary>Backward rules of the differentiable factorizations, computed with the raw kernels.</summary>
public static partial class Linalg
{
    /// <summary>
    /// Gradient of A ↦ L = chol(A) (Murray 2016; PyTorch's form): with X = Lᵀ·Ḡ, Φ takes the lower triangle of X
    /// and halves the diagonal; then Ā = L⁻ᵀ·sym(Φ)·L⁻¹, where sym mirrors the lower part so Ā is symmetric.
    /// </summary>
    private static Tensor CholeskyBackward<T>(Tensor lTensor, Tensor gTensor, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var l = lTensor.Data<T>();
        var g = gTensor.ToArray<T>();
        var x = new T[n * n];
        Gemm.Run(true, false, n, n, n, T.One, l, n, g, n, T.Zero, x, n);
        var half = T.CreateChecked(0.5);
        var m = new T[n * n];
        for (int i = 0; i < n; i++)
        {
            m[i * n + i] = half * x[i * n + i];
            for (int j = 0; j < i; j++) m[i * n + j] = m[j * n + i] = half * x[i * n + j];
        }
        DenseLinalg.SolveTriangularCore<T>(l, n, m, n, lower: true, transpose: true);   // m ← L⁻ᵀ·M
        var w = Transposed(m, n);
        DenseLinalg.SolveTriangularCore<T>(l, n, w, n, lower: true, transpose: true);   // w ← L⁻ᵀ·(L⁻ᵀM)ᵀ = (L⁻ᵀ M L⁻¹)ᵀ
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++)
            {
                T s = half * (w[i * n + j] + w[j * n + i]);
                w[i * n + j] = w[j * n + i] = s;
            }
        return Tensor.Wrap(w, [n, n]);
    }

    /// <summary>
    /// Gradients of X = op(T)⁻¹·B: B̄ = op(T)⁻ᵀ·X̄, and op(T)̄ = −B̄·Xᵀ, which for T itself is transposed when op
    /// is a transpose and is confined to T's stored triangle.
    /// </summary>
    private static (Tensor GradT, Tensor GradB) SolveBackward<T>(Tensor tTensor, Tensor xTensor, Tensor gTensor, int n, int k,
        bool lower, bool transpose) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = tTensor.ToArray<T>();
        var x = xTensor.ToArray<T>();
        var gb = gTensor.ToArray<T>();
        DenseLinalg.SolveTriangularCore<T>(t, n, gb, k, lower, !transpose);
        var gt = new T[n * n];
        if (!transpose) Gemm.Run(false, true, n, n, k, -T.One, gb, k, x, k, T.Zero, gt, n);
        else Gemm.Run(false, true, n, n, k, -T.One, x, k, gb, k, T.Zero, gt, n);
        for (int i = 0; i < n; i++)
        {
            if (lower) gt.AsSpan(i * n + i + 1, n - i - 1).Clear();
            else gt.AsSpan(i * n, i).Clear();
        }
        return (Tensor.Wrap(gt, [n, n]), Tensor.Wrap(gb, [n, k]));
    }

    /// <summary>A⁻¹ from A's Cholesky factor (the one blocked inverse of <see cref="DenseLinalg"/>).</summary>
    private static Tensor InverseFromCholesky<T>(Tensor lTensor, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var inv = new T[n * n];
        DenseLinalg.InverseFromCholeskyCore<T>(lTensor.Data<T>(), n, inv);
        return Tensor.Wrap(inv, [n, n]);
    }

    private static T[] Transposed<T>(T[] a, int n)
    {
        var r = new T[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[j * n + i] = a[i * n + j];
        return r;
    }
}
