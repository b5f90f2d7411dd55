using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Overfit.Tensors.Kernels;

public static partial class DenseLinalg
{
    /// <summary>
    /// Eigendecomposition A = V·diag(λ)·Vᵀ of a dense symmetric n×n matrix (only the lower triangle is read), like
    /// <c>numpy.linalg.eigh</c>: eigenvalues ascending, eigenvector j in column j of <paramref name="eigenvectors"/>
    /// (row-major n×n), with its largest-magnitude component positive so the result is deterministic. Householder
    /// tridiagonalization and the implicit QL iteration: about 10·n³ flops.
    /// </summary>
    public static void SymmetricEigen(ReadOnlySpan<double> a, int n, Span<double> eigenvalues, Span<double> eigenvectors)
    {
        CheckSquare(a.Length, n, nameof(a));
        if (eigenvalues.Length != n) throw new ArgumentException($"eigenvalues must have {n} elements, got {eigenvalues.Length}", nameof(eigenvalues));
        CheckSquare(eigenvectors.Length, n, nameof(eigenvectors));
        var (values, rows) = SymmetricEigenRows(a, n);
        values.CopyTo(eigenvalues);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) eigenvectors[i * n + j] = rows[j * n + i];
    }

    /// <summary>
    /// <see cref="SymmetricEigen"/> with the eigenvectors as rows (row j belongs to eigenvalue j, ascending): the layout
    /// the QL rotations produce, so callers that use the vectors as rows skip a transpose.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel called once per fit: skip tier-0 code
    internal static (double[] Values, double[] VectorRows) SymmetricEigenRows(ReadOnlySpan<double> matrix, int n)
    {
        // Symmetric working copy from the lower triangle (the only part the contract reads).
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = matrix[i * n + j];
        var reflectors = new double[n * n];   // row k holds v_k at columns k+1..n-1
        var betas = new double[n];
        var x = new double[n];
        var p = new double[n];
        for (int k = 0; k < n - 2; k++)
        {
            int m = n - k - 1;
            var xs = x.AsSpan(0, m);
            for (int i = 0; i < m; i++) xs[i] = a[(k + 1 + i) * n + k];
            double tail = TensorPrimitives.Dot(xs[1..], xs[1..]);
            if (tail == 0) continue;   // column already tridiagonal
            double norm = Math.Sqrt(xs[0] * xs[0] + tail);
            double alpha = xs[0] >= 0 ? -norm : norm;
            var v = reflectors.AsSpan(k * n + k + 1, m);
            xs.CopyTo(v);
            v[0] -= alpha;
            double beta = 2 / TensorPrimitives.Dot(v, v);
            betas[k] = beta;
            // Trailing block S ← H·S·H = S − v·wᵀ − w·vᵀ with w = p − (β/2)(vᵀp)·v, p = β·S·v.
            var ps = p.AsSpan(0, m);
            for (int i = 0; i < m; i++) ps[i] = beta * TensorPrimitives.Dot(a.AsSpan((k + 1 + i) * n + k + 1, m), v);
            double kk = 0.5 * beta * TensorPrimitives.Dot(v, ps);
            TensorPrimitives.MultiplyAdd(v, -kk, ps, ps);   // ps now holds w
            for (int i = 0; i < m; i++)
            {
                var row = a.AsSpan((k + 1 + i) * n + k + 1, m);
                TensorPrimitives.MultiplyAdd(ps, -v[i], row, row);
                TensorPrimitives.MultiplyAdd(v, -ps[i], row, row);
            }
            a[(k + 1) * n + k] = alpha;
            a[k * n + k + 1] = alpha;
            for (int i = k + 2; i < n; i++) { a[i * n + k] = 0; a[k * n + i] = 0; }
        }
        var d = new double[n];
        var e = new double[n];
        for (int i = 0; i < n; i++) d[i] = a[i * n + i];
        for (int i = 0; i < n - 1; i++) e[i] = a[(i + 1) * n + i];

        // Q = H_0·H_1·…·H_{n−3}, accumulated backwards so each step touches only the rows it changes.
        var q = new double[n * n];
        for (int i = 0; i < n; i++) q[i * n + i] = 1;
        var t = new double[n];
        for (int k = n - 3; k >= 0; k--)
        {
            if (betas[k] == 0) continue;
            int m = n - k - 1;
            var v = reflectors.AsSpan(k * n + k + 1, m);
            Array.Clear(t);
            for (int i = 0; i < m; i++) TensorPrimitives.MultiplyAdd(q.AsSpan((k + 1 + i) * n, n), v[i], t, t);
            for (int i = 0; i < m; i++)
            {
                var row = q.AsSpan((k + 1 + i) * n, n);
                TensorPrimitives.MultiplyAdd(t, -betas[k] * v[i], row, row);
            }
        }
        // Work on Zᵀ (row j = column j of Q) so that every rotation of two eigenvector columns is a contiguous row pair.
        var z = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) z[j * n + i] = q[i * n + j];

        TridiagonalQl(d, e, z, n);

        var order = new int[n];
        for (int j = 0; j < n; j++) order[j] = j;
        Array.Sort((double[])d.Clone(), order);
        var values = new double[n];
        var rows = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            values[r] = d[order[r]];
            var row = rows.AsSpan(r * n, n);
            z.AsSpan(order[r] * n, n).CopyTo(row);
            int big = 0;
            for (int i = 1; i < n; i++) if (Math.Abs(row[i]) > Math.Abs(row[big])) big = i;
            if (row[big] < 0) TensorPrimitives.Negate(row, row);
        }
        return (values, rows);
    }

    /// <summary>
    /// Implicit QL on the tridiagonal (d, e), e[i] coupling i and i+1; rotations are applied to the rows of zt.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel called once per fit: skip tier-0 code
    private static void TridiagonalQl(double[] d, double[] e, double[] zt, int n)
    {
        const double Eps = 2.220446049250313e-16;
        for (int l = 0; l < n; l++)
        {
            int iter = 0, m;
            do
            {
                for (m = l; m < n - 1; m++)
                {
                    double dd = Math.Abs(d[m]) + Math.Abs(d[m + 1]);
                    if (Math.Abs(e[m]) <= Eps * dd) break;
                }
                if (m == l) break;
                if (iter++ == 100) throw new ArithmeticException($"symmetric eigendecomposition did not converge for eigenvalue {l} of {n}");
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + Math.CopySign(r, g));
                double s = 1, c = 1, p = 0;
                int i;
                bool deflated = false;
                for (i = m - 1; i >= l; i--)
                {
                    double f = s * e[i], b = c * e[i];
                    r = Hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0)
                    {
                        d[i + 1] -= p;
                        e[m] = 0;
                        deflated = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    ThinSvd.Rotate(zt.AsSpan(i * n, n), zt.AsSpan((i + 1) * n, n), c, s);
                }
                if (deflated) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            } while (true);
        }
    }

    private static double Hypot(double a, double b)
    {
        double x = Math.Abs(a), y = Math.Abs(b);
        if (x < y) (x, y) = (y, x);
        if (x == 0) return 0;
        double r = y / x;
        return x * Math.Sqrt(1 + r * r);
    }
}
