using Overfit.Tensors;

namespace Overfit.Landscape;

/// <summary>
/// The Lanczos process on a symmetric operator given by its products, with full reorthogonalization (PyHessian's
/// form): an orthonormal basis and the tridiagonal matrix T of the operator in it.
/// </summary>
internal sealed class Lanczos
{
    private Lanczos(List<Tensor[]> basis, double[] alpha, double[] beta)
    {
        Basis = basis;
        Alpha = alpha;
        Beta = beta;
    }

    public List<Tensor[]> Basis { get; }

    /// <summary>T's diagonal.</summary>
    public double[] Alpha { get; }

    /// <summary>T's off-diagonal (one shorter than the diagonal).</summary>
    public double[] Beta { get; }

    /// <summary>Runs <paramref name="steps"/> steps from the unit vector <paramref name="start"/>; a breakdown restarts from a random orthonormal vector.</summary>
    public static Lanczos Run(Func<Tensor[], Tensor[]> apply, Tensor[] start, int steps, IReadOnlyList<Tensor> like, Generator gen)
    {
        var basis = new List<Tensor[]> { start };
        var alpha = new List<double>();
        var beta = new List<double>();
        var v = start;
        var w = Owned(apply(v));
        double a = ParameterVector.Dot(w, v);
        alpha.Add(a);
        ParameterVector.AddScaled(w, -a, v);
        for (int i = 1; i < steps; i++)
        {
            double b = ParameterVector.Norm(w);
            beta.Add(b);
            v = b > 1e-10 ? ParameterVector.Orthonormalize(w, basis) : ParameterVector.Orthonormalize(ParameterVector.Gaussian(like, gen), basis);
            basis.Add(v);
            w = Owned(apply(v));
            a = ParameterVector.Dot(w, v);
            alpha.Add(a);
            ParameterVector.AddScaled(w, -a, v);
            ParameterVector.AddScaled(w, -b, basis[^2]);
        }
        return new Lanczos(basis, [.. alpha], [.. beta]);
    }

    /// <summary>A contiguous copy of the operator's result, which the process then updates in place.</summary>
    private static Tensor[] Owned(Tensor[] x) => Array.ConvertAll(x, t => t.Detach().Contiguous().Clone());

    /// <summary>T's eigenvalues (ascending) and eigenvectors (columns of y), from the project's symmetric eigen solver.</summary>
    public (double[] Values, double[,] Vectors) RitzPairs()
    {
        int m = Alpha.Length;
        var t = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            t[i, i] = Alpha[i];
            if (i + 1 < m) t[i, i + 1] = t[i + 1, i] = Beta[i];
        }
        var (values, vectors) = Linalg.SymmetricEigen(Tensor.FromArray(t));
        var y = new double[m, m];
        var flat = vectors.ToDoubleArray();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) y[i, j] = flat[i * m + j];
        return (values.ToDoubleArray(), y);
    }
}
