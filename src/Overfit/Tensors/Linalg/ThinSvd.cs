using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Overfit.Tensors.Kernels;

/// <summary>
/// Thin singular value decomposition A = U·diag(S)·Vᵀ of a dense row-major m×n matrix, k = min(m, n).
/// Tall matrices are first reduced by a Householder QR (A = Q·R), then R is diagonalized by one-sided (Hestenes)
/// Jacobi rotations, which give singular values to high relative accuracy — what the ill-conditioned polynomial
/// fits need to agree with LAPACK on the numerical rank. Singular vectors are stored as rows (U row j is the j-th
/// left singular vector of length m), so every inner loop runs over contiguous memory.
/// </summary>
internal sealed class ThinSvd
{
    private ThinSvd(int rows, int cols, int rank, double[] s, double[] uRows, double[] vRows)
    {
        Rows = rows; Cols = cols; K = rank; S = s; URows = uRows; VRows = vRows;
    }

    public int Rows { get; }
    public int Cols { get; }
    public int K { get; }
    /// <summary>Singular values, descending.</summary>
    public double[] S { get; }
    /// <summary>K×Rows: row j is the j-th left singular vector.</summary>
    public double[] URows { get; }
    /// <summary>K×Cols: row j is the j-th right singular vector.</summary>
    public double[] VRows { get; }

    public static ThinSvd Compute(ReadOnlySpan<double> a, int m, int n)
    {
        if (m >= n)
        {
            var cols = new double[n * m];   // column j of A as a contiguous row
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) cols[j * m + i] = a[i * n + j];
            var (s, u, v) = DecomposeColumns(cols, m, n);
            return new ThinSvd(m, n, n, s, u, v);
        }
        else
        {
            // Aᵀ is tall and its columns are A's rows, already contiguous: Aᵀ = U'SV'ᵀ gives A = V'SU'ᵀ.
            var (s, u, v) = DecomposeColumns(a.ToArray(), n, m);
            return new ThinSvd(m, n, m, s, v, u);
        }
    }

    /// <summary>Uᵀ·b (length K).</summary>
    public double[] UTransposeTimes(ReadOnlySpan<double> b)
    {
        var r = new double[K];
        for (int j = 0; j < K; j++) r[j] = TensorPrimitives.Dot(URows.AsSpan(j * Rows, Rows), b);
        return r;
    }

    /// <summary>V·diag(f)·c where c has length K: Σ_j f_j c_j v_j.</summary>
    public double[] VTimes(ReadOnlySpan<double> scaledCoords)
    {
        var x = new double[Cols];
        for (int j = 0; j < K; j++)
            if (scaledCoords[j] != 0) TensorPrimitives.MultiplyAdd(VRows.AsSpan(j * Cols, Cols), scaledCoords[j], x, x);
        return x;
    }

    /// <summary>Decomposes the m×n matrix whose columns are the rows of <paramref name="cols"/> (m ≥ n); cols is overwritten.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel called once per fit: skip tier-0 code
    private static (double[] S, double[] URows, double[] VRows) DecomposeColumns(double[] cols, int m, int n)
    {
        double[]? reflectors = null;
        double[] work;
        int wm;   // length of the working columns
        if (m > n)
        {
            reflectors = HouseholderQr(cols, m, n);
            work = new double[n * n];   // column j of R, zero below the diagonal
            for (int j = 0; j < n; j++)
                for (int i = 0; i <= j; i++) work[j * n + i] = cols[j * m + i];
            wm = n;
        }
        else { work = cols; wm = m; }

        var v = new double[n * n];
        for (int j = 0; j < n; j++) v[j * n + j] = 1;
        JacobiSweeps(work, wm, v, n);

        var norms = new double[n];
        for (int j = 0; j < n; j++) norms[j] = Math.Sqrt(TensorPrimitives.Dot(work.AsSpan(j * wm, wm), work.AsSpan(j * wm, wm)));
        var order = Enumerable.Range(0, n).OrderByDescending(j => norms[j]).ThenBy(j => j).ToArray();

        var s = new double[n];
        var vRows = new double[n * n];
        var uSmall = new double[n * wm];
        for (int r = 0; r < n; r++)
        {
            int j = order[r];
            s[r] = norms[j];
            v.AsSpan(j * n, n).CopyTo(vRows.AsSpan(r * n, n));
            if (norms[j] > 0) TensorPrimitives.Multiply(work.AsSpan(j * wm, wm), 1.0 / norms[j], uSmall.AsSpan(r * wm, wm));
        }
        if (reflectors is null) return (s, uSmall, vRows);

        // U = Q·[U_R; 0]: apply the reflectors H_0 … H_{n-1} in reverse order to each column.
        var u = new double[n * m];
        for (int r = 0; r < n; r++) uSmall.AsSpan(r * n, n).CopyTo(u.AsSpan(r * m, n));
        for (int k = n - 1; k >= 0; k--)
        {
            var vk = reflectors.AsSpan(k * m + k, m - k);
            double vv = TensorPrimitives.Dot(vk, vk);
            if (vv == 0) continue;
            for (int r = 0; r < n; r++)
            {
                var col = u.AsSpan(r * m + k, m - k);
                double f = 2 * TensorPrimitives.Dot(vk, col) / vv;
                if (f != 0) TensorPrimitives.MultiplyAdd(vk, -f, col, col);
            }
        }
        return (s, u, vRows);
    }

    /// <summary>In-place Householder QR of the column-stored m×n matrix; returns the reflector vectors (row k, entries k..m-1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel called once per fit: skip tier-0 code
    private static double[] HouseholderQr(double[] cols, int m, int n)
    {
        var refl = new double[n * m];
        for (int k = 0; k < n; k++)
        {
            var x = cols.AsSpan(k * m + k, m - k);
            double norm = Math.Sqrt(TensorPrimitives.Dot(x, x));
            if (norm == 0) continue;
            double alpha = x[0] >= 0 ? -norm : norm;   // sign chosen to avoid cancellation in v0
            var vk = refl.AsSpan(k * m + k, m - k);
            x.CopyTo(vk);
            vk[0] -= alpha;
            double vv = TensorPrimitives.Dot(vk, vk);
            x.Clear(); x[0] = alpha;
            for (int j = k + 1; j < n; j++)
            {
                var c = cols.AsSpan(j * m + k, m - k);
                double f = 2 * TensorPrimitives.Dot(vk, c) / vv;
                if (f != 0) TensorPrimitives.MultiplyAdd(vk, -f, c, c);
            }
        }
        return refl;
    }

    /// <summary>Cyclic one-sided Jacobi: rotates column pairs until all are orthogonal to working precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel called once per fit: skip tier-0 code
    private static void JacobiSweeps(double[] w, int m, double[] v, int n)
    {
        const double Eps = 2.220446049250313e-16;
        for (int sweep = 0; sweep < 80; sweep++)
        {
            bool rotated = false;
            for (int i = 0; i < n - 1; i++)
            {
                var ci = w.AsSpan(i * m, m);
                for (int j = i + 1; j < n; j++)
                {
                    var cj = w.AsSpan(j * m, m);
                    double alpha = TensorPrimitives.Dot(ci, ci), beta = TensorPrimitives.Dot(cj, cj);
                    if (alpha == 0 || beta == 0) continue;
                    double gamma = TensorPrimitives.Dot(ci, cj);
                    if (Math.Abs(gamma) <= Eps * Math.Sqrt(alpha * beta)) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.Sign(zeta) / (Math.Abs(zeta) + Math.Sqrt(1 + zeta * zeta));
                    if (zeta == 0) t = 1;
                    double c = 1 / Math.Sqrt(1 + t * t), s = c * t;
                    Rotate(ci, cj, c, s);
                    Rotate(v.AsSpan(i * n, n), v.AsSpan(j * n, n), c, s);
                }
            }
            if (!rotated) return;
        }
    }

    /// <summary>(x, y) ← (c·x − s·y, s·x + c·y) in one fused pass.</summary>
    internal static void Rotate(Span<double> x, Span<double> y, double c, double s)
    {
        int k = 0, w = System.Numerics.Vector<double>.Count;
        var vc = new System.Numerics.Vector<double>(c);
        var vs = new System.Numerics.Vector<double>(s);
        for (; k <= x.Length - w; k += w)
        {
            var xv = new System.Numerics.Vector<double>(x[k..]);
            var yv = new System.Numerics.Vector<double>(y[k..]);
            (vc * xv - vs * yv).CopyTo(x[k..]);
            (vs * xv + vc * yv).CopyTo(y[k..]);
        }
        for (; k < x.Length; k++)
        {
            double xk = x[k], yk = y[k];
            x[k] = c * xk - s * yk;
            y[k] = s * xk + c * yk;
        }
    }
}
