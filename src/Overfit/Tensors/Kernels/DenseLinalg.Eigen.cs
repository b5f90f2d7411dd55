using System.Runtime.CompilerServices;
namespace Overfit.Tensors.Kernels;

public static partial class DenseLinalg
{
    /// <summary>
    /// Eigendecomposition of a small dense symmetric n×n matrix (only the lower triangle is read) by cyclic Jacobi
    /// rotations, which are accurate to a few ulps of the matrix norm. Eigenvalues come out ascending; eigenvector j
    /// is column j of <paramref name="eigenvectors"/> (row-major n×n), with its largest-magnitude component positive
    /// so the result is deterministic. Cost is about 10 sweeps of O(n³); meant for n up to a few hundred.
    /// </summary>
    public static void SymmetricEigen(ReadOnlySpan<double> a, int n, Span<double> eigenvalues, Span<double> eigenvectors)
    {
        CheckSquare(a.Length, n, nameof(a));
        if (eigenvalues.Length != n) throw new ArgumentException($"eigenvalues must have {n} elements, got {eigenvalues.Length}", nameof(eigenvalues));
        CheckSquare(eigenvectors.Length, n, nameof(eigenvectors));
        var w = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) w[i * n + j] = w[j * n + i] = a[i * n + j];
        var v = eigenvectors;
        v.Clear();
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        double total = 0;
        foreach (double x in w) total += x * x;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) off += w[p * n + q] * w[p * n + q];
            if (off <= 1e-34 * total || off == 0) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                    Rotate(w, v, n, p, q);
        }
        var order = new int[n];
        for (int i = 0; i < n; i++) { order[i] = i; eigenvalues[i] = w[i * n + i]; }
        var values = eigenvalues.ToArray();
        Array.Sort(values, order);
        var vectors = v.ToArray();
        for (int j = 0; j < n; j++)
        {
            eigenvalues[j] = values[j];
            int src = order[j];
            int big = 0;
            for (int i = 1; i < n; i++) if (Math.Abs(vectors[i * n + src]) > Math.Abs(vectors[big * n + src])) big = i;
            double sign = vectors[big * n + src] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) v[i * n + j] = sign * vectors[i * n + src];
        }
    }

    /// <summary>One Jacobi rotation W ← JᵀWJ that zeroes W[p,q]; the rotation is accumulated into V ← VJ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rotate(double[] w, Span<double> v, int n, int p, int q)
    {
        double apq = w[p * n + q];
        if (apq == 0) return;
        double app = w[p * n + p], aqq = w[q * n + q];
        double theta = (aqq - app) / (2 * apq);
        // t = tan of the rotation angle, the smaller root of t² + 2θt − 1 = 0 (stable for large θ).
        double t = Math.Abs(theta) > 1e150 ? 0.5 / theta : Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++)
        {
            double wkp = w[k * n + p], wkq = w[k * n + q];
            w[k * n + p] = c * wkp - s * wkq;
            w[k * n + q] = s * wkp + c * wkq;
        }
        for (int k = 0; k < n; k++)
        {
            double wpk = w[p * n + k], wqk = w[q * n + k];
            w[p * n + k] = c * wpk - s * wqk;
            w[q * n + k] = s * wpk + c * wqk;
        }
        w[p * n + q] = w[q * n + p] = 0;
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }
}
