using System.Numerics;
using Overfit.Tensors.Kernels;
using static Overfit.Autograd.Autograd;

namespace Overfit.Tensors;

/// <summary>
/// Dense linear algebra on 2-D tensors (Float32 or Float64), backed by the blocked kernels in
/// <see cref="DenseLinalg"/>. Cholesky, SolveTriangular, CholeskySolve and LogDet are differentiable.
/// Symmetric inputs are read from their lower triangle only; for gradients to be meaningful the input should
/// be symmetric (the gradients returned are symmetric, as in PyTorch).
/// </summary>
public static partial class Linalg
{
    /// <summary>
    /// Lower Cholesky factor L of a symmetric positive-definite matrix (A = L·Lᵀ). Throws
    /// <see cref="NotPositiveDefiniteException"/> naming the failing pivot when A is not positive definite.
    /// </summary>
    public static Tensor Cholesky(Tensor a)
    {
        int n = SquareSize(a, "Cholesky", nameof(a));
        var l = a.DType == DType.Float32 ? Factor<float>(a, n) : Factor<double>(a, n);
        return Record(l, "Cholesky", [a], g =>
        {
            RequireFirstOrder("Cholesky");
            return [a.DType == DType.Float32 ? CholeskyBackward<float>(l, g, n) : CholeskyBackward<double>(l, g, n)];
        });
    }

    /// <summary>
    /// Solves op(T)·X = B where T is lower (or, with <paramref name="lower"/> false, upper) triangular and
    /// op(T) is T or, with <paramref name="transpose"/>, Tᵀ. B is n×k or a length-n vector (X has B's shape).
    /// Only the named triangle of T is read; its gradient is confined to that triangle.
    /// </summary>
    public static Tensor SolveTriangular(Tensor l, Tensor b, bool lower = true, bool transpose = false)
    {
        int n = SquareSize(l, "SolveTriangular", nameof(l));
        Tensor.CheckSameDType(l, b, "SolveTriangular");
        if (b.Rank is < 1 or > 2 || b.Size(0) != n)
            throw new ArgumentException($"SolveTriangular: b must be a vector of length {n} or a matrix with {n} rows (l is {ShapeUtil.Format(l.ShapeSpan)}), got {ShapeUtil.Format(b.ShapeSpan)}", nameof(b));
        int k = b.Rank == 1 ? 1 : b.Size(1);
        var x = l.DType == DType.Float32 ? Solve<float>(l, b, n, k, lower, transpose) : Solve<double>(l, b, n, k, lower, transpose);
        return Record(x, "SolveTriangular", [l, b], g =>
        {
            RequireFirstOrder("SolveTriangular");
            var (gl, gb) = l.DType == DType.Float32
                ? SolveBackward<float>(l, x, g, n, k, lower, transpose)
                : SolveBackward<double>(l, x, g, n, k, lower, transpose);
            return [l.RequiresGrad ? gl : null, b.RequiresGrad ? gb.Reshape(b.Shape) : null];
        });
    }

    /// <summary>Solves A·X = B given A's lower Cholesky factor L (A = L·Lᵀ); differentiable in both arguments.</summary>
    public static Tensor CholeskySolve(Tensor b, Tensor l)
        => SolveTriangular(l, SolveTriangular(l, b, lower: true, transpose: false), lower: true, transpose: true);

    /// <summary>
    /// log det A of a symmetric positive-definite matrix, via Cholesky (2·Σ log L_ii); a scalar tensor.
    /// Its gradient is A⁻¹ (symmetric).
    /// </summary>
    public static Tensor LogDet(Tensor a)
    {
        int n = SquareSize(a, "LogDet", nameof(a));
        Tensor l = a.DType == DType.Float32 ? Factor<float>(a, n) : Factor<double>(a, n);
        double value = a.DType == DType.Float32
            ? DenseLinalg.LogDetFromCholesky(l.Data<float>(), n)
            : DenseLinalg.LogDetFromCholesky(l.Data<double>(), n);
        var result = Tensor.Scalar(value, a.DType);
        return Record(result, "LogDet", [a], g =>
        {
            RequireFirstOrder("LogDet");
            var inverse = a.DType == DType.Float32 ? InverseFromCholesky<float>(l, n) : InverseFromCholesky<double>(l, n);
            return [inverse.Mul(g)];
        });
    }

    /// <summary>
    /// Eigenvalues (ascending) and eigenvectors (as columns, each with its largest-magnitude component positive) of
    /// a small symmetric matrix, read from its lower triangle; computed in Float64 by Jacobi rotations and returned
    /// in the input's dtype. Not differentiable: the results carry no gradient history.
    /// </summary>
    public static (Tensor Values, Tensor Vectors) SymmetricEigen(Tensor a)
    {
        int n = SquareSize(a, "SymmetricEigen", nameof(a));
        var values = new double[n];
        var vectors = new double[n * n];
        DenseLinalg.SymmetricEigen(a.ToArray<double>(), n, values, vectors);
        return (Tensor.Wrap(values, [n]).To(a.DType), Tensor.Wrap(vectors, [n, n]).To(a.DType));
    }

    private static int SquareSize(Tensor a, string op, string name)
    {
        if (a.Rank != 2 || a.Size(0) != a.Size(1))
            throw new ArgumentException($"{op}: {name} must be a square 2-D matrix, got shape {ShapeUtil.Format(a.ShapeSpan)}", name);
        return a.Size(0);
    }

    private static Tensor Factor<T>(Tensor a, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = a.ToArray<T>();
        if (!DenseLinalg.TryCholeskyCore<T>(data, n, out int pivot)) throw new NotPositiveDefiniteException(pivot, n);
        return Tensor.Wrap(data, [n, n]);
    }

    private static Tensor Solve<T>(Tensor l, Tensor b, int n, int k, bool lower, bool transpose) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = l.ToArray<T>();
        var x = b.ToArray<T>();
        DenseLinalg.SolveTriangularCore<T>(t, n, x, k, lower, transpose);
        return Tensor.Wrap(x, b.Shape);
    }
}
