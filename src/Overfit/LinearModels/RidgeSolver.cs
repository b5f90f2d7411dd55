namespace Overfit.LinearModels;

/// <summary>How <see cref="Ridge"/> solves (XᵀX + αI)·w = Xᵀy.</summary>
public enum RidgeSolver
{
    /// <summary>Cholesky (scikit-learn's "auto" for dense data).</summary>
    Auto,
    /// <summary>Cholesky factorization of XᵀX + αI; falls back to <see cref="Svd"/> when it is numerically singular.</summary>
    Cholesky,
    /// <summary>SVD of X: w = V·diag(s/(s²+α))·Uᵀy; the most stable, for ill-conditioned designs.</summary>
    Svd,
    /// <summary>Conjugate gradients on the normal equations (scikit-learn's "sparse_cg"); stops at tol·||Xᵀy||.</summary>
    ConjugateGradient,
}
