using System.Numerics.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Titsias (2009) collapsed evidence lower bound of sparse GP regression with inducing inputs Z (M×d) and Gaussian
/// noise σ²:
/// F = log N(y | 0, Q + σ²I) − tr(K_ff − Q)/(2σ²), Q = K_fu K_uu⁻¹ K_uf,
/// and its gradient with respect to the kernel's log-hyperparameters and to Z. With L = chol(K_uu) the data enter
/// through the whitened features A = L⁻¹K_uf (M×n, a triangular solve per row chunk of X, as GPflow's SGPR does: it
/// keeps the error at cond(L) rather than cond(K_uu) when K_uu is nearly singular), Ψ = AAᵀ (a symmetric rank-k update),
/// β = Ay, yᵀy and tr K_ff. With B = I + Ψ/σ² = L_B L_Bᵀ and c = L_B⁻¹β/σ²:
/// F = −n/2 log 2π − Σ log (L_B)_ii − n/2 log σ² − yᵀy/(2σ²) + ½|c|² − tr K_ff/(2σ²) + tr Ψ/(2σ²).
/// One evaluation is O(n·M²) in the GEMM with O(chunk·M) memory; no n×n or n×M matrix is held. The gradient comes from
/// ∂F/∂Ψ = (I − B⁻¹)/(2σ²) − γγᵀ/(2σ⁶) and ∂F/∂β = γ/σ⁴ (γ = B⁻¹β), which give
/// ∂F/∂K_uf = L⁻ᵀ(2 ∂F/∂Ψ A + γyᵀ/σ⁴) and ∂F/∂K_uu = L⁻ᵀ(½I − ½B⁻¹ − ½Ψ/σ² − γγᵀ/(2σ⁴))L⁻¹, pushed through
/// K_uf = k(Z, X) and K_uu = k(Z, Z) by the kernels' cross contractions.
/// </summary>
internal sealed class TitsiasBound
{
    /// <summary>Rows of X per chunk of K_fu: a 2048×512 chunk is 8 MB and keeps the GEMMs large.</summary>
    internal const int ChunkRows = 2048;

    private readonly SparseKernelParts _parts;
    private readonly double[] _x, _y;
    private readonly int _n, _d, _m;
    private readonly double _alpha, _jitter, _yy;

    // State of the last valued point (the line search values a point, then asks for its gradient).
    private double[]? _point;
    private double _value, _noise, _trace, _usedJitter;
    private readonly double[] _l, _lb, _psi, _beta, _c;
    private readonly double[] _kc, _ac;

    /// <summary>
    /// Up to this many elements of A (n·M) are kept from the value pass for the gradient pass at the same point, which
    /// then skips one triangular solve over the data (a fifth of an iteration's flops); 2²⁶ doubles are 512 MB.
    /// </summary>
    internal const long CacheLimit = 1L << 26;

    private readonly double[]? _aCache;

    public TitsiasBound(SparseKernelParts parts, double[] x, int n, int d, double[] y, int m, double alpha, double jitter, long cacheLimit = CacheLimit)
    {
        _parts = parts; _x = x; _n = n; _d = d; _y = y; _m = m; _alpha = alpha; _jitter = jitter;
        _yy = TensorPrimitives.Dot(y, y);
        long mm = checked((long)m * m);
        _l = new double[mm]; _lb = new double[mm]; _psi = new double[mm];
        _beta = new double[m]; _c = new double[m];
        long chunk = checked((long)Math.Min(ChunkRows, n) * m);
        _kc = new double[chunk]; _ac = new double[chunk];
        long all = checked((long)n * m);
        if (all <= cacheLimit) _aCache = GC.AllocateUninitializedArray<double>((int)all);
    }

    public int M => _m;

    /// <summary>Jitter added to K_uu's diagonal at the last valued point (the requested one, or more from the ladder).</summary>
    public double UsedJitter => _usedJitter;

    /// <summary>
    /// The bound at log-hyperparameters <paramref name="theta"/> (the whole kernel's, white noise included) and inducing
    /// inputs <paramref name="z"/> (M×d row-major); −∞ when K_uu cannot be factored even with jitter. Writes the gradients
    /// when the buffers are given.
    /// </summary>
    public double Evaluate(double[] theta, double[] z, double[]? gradTheta, double[]? gradZ)
    {
        var point = Concat(theta, z);
        if (_point is null || !point.AsSpan().SequenceEqual(_point))
        {
            _point = null;
            _parts.Kernel.Theta = theta;
            if (!Value(z)) return double.NegativeInfinity;
            _point = point;
        }
        if (gradTheta is not null || gradZ is not null)
            Gradient(z, gradTheta ?? new double[theta.Length], gradZ ?? new double[z.Length]);
        return _value;
    }

    private static double[] Concat(double[] a, double[] b)
    {
        var r = new double[a.Length + b.Length];
        a.CopyTo(r, 0);
        b.CopyTo(r, a.Length);
        return r;
    }

    /// <summary>
    /// A_c = L⁻¹ K(Z, X_c) for rows [start, start + rows), M×rows, written straight into the cache of A when there is
    /// one (else into <see cref="_ac"/>): K(Z, X_c) is evaluated in that orientation, so no transpose or copy follows.
    /// </summary>
    private Span<double> WhitenedChunk(double[] z, int start, int rows)
    {
        int m = _m, d = _d;
        var ac = _aCache is not null ? _aCache.AsSpan(start * m, m * rows) : _ac.AsSpan(0, m * rows);
        _parts.Latent.Evaluate(z, m, _x.AsSpan(start * d, rows * d), rows, d, ac);
        DenseLinalg.SolveLowerInPlace(_l, m, ac, rows);
        return ac;
    }

    private bool Value(double[] z)
    {
        int m = _m, n = _n, d = _d;
        _noise = _alpha + _parts.WhiteNoise;
        if (!(_noise > 0)) throw new InvalidOperationException(SparseKernelParts.NoNoiseMessage);
        var kuu = new double[m * m];
        _parts.Latent.EvaluateSymmetric(z, m, d, kuu);
        for (int i = 0; i < m; i++) kuu[i * m + i] += _jitter;
        double extra = GpLinalg.CholeskyWithJitter(kuu, m, _l);
        if (double.IsNaN(extra)) return false;
        _usedJitter = _jitter + extra;
        // Ψ = Σ_chunks A_c A_cᵀ (lower triangle), β = Σ A_c y_c.
        Array.Clear(_psi);
        Array.Clear(_beta);
        for (int start = 0; start < n; start += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, n - start);
            var ac = WhitenedChunk(z, start, rows);
            Gemm.SymmetricRankK(false, m, rows, 1.0, ac, rows, 1.0, _psi, m);
            Gemm.Multiply(false, false, m, 1, rows, 1.0, ac, rows, _y.AsSpan(start, rows), 1, 1.0, _beta, 1);
        }
        MirrorLower(_psi, m);
        var diag = new double[n];
        _parts.Latent.Diagonal(_x, n, d, diag);
        _trace = TensorPrimitives.Sum(diag);
        double tracePsi = 0;
        for (int i = 0; i < m; i++) tracePsi += _psi[i * m + i];
        TensorPrimitives.Divide(_psi, _noise, _lb);
        for (int i = 0; i < m; i++) _lb[i * m + i] += 1;
        if (!DenseLinalg.TryCholesky(_lb, m, out _)) return false;
        _beta.CopyTo(_c, 0);
        DenseLinalg.SolveLowerInPlace(_lb, m, _c, 1);
        TensorPrimitives.Divide(_c, _noise, _c);
        double logDetLb = 0;
        for (int i = 0; i < m; i++) logDetLb += Math.Log(_lb[i * m + i]);
        _value = -0.5 * n * Math.Log(2 * Math.PI) - logDetLb - 0.5 * n * Math.Log(_noise) - 0.5 * _yy / _noise
            + 0.5 * TensorPrimitives.Dot(_c, _c) - 0.5 * _trace / _noise + 0.5 * tracePsi / _noise;
        return true;
    }

    private void Gradient(double[] z, double[] gradTheta, double[] gradZ)
    {
        int m = _m, n = _n, d = _d;
        double s2 = _noise;
        Array.Clear(gradTheta);
        Array.Clear(gradZ);
        var bInv = new double[m * m];
        DenseLinalg.InverseFromCholesky(_lb, m, bInv);
        // γ = B⁻¹β = L_B⁻ᵀ(σ²c); α = L⁻ᵀγ (= K_uu-space weights, Σ⁻¹K_uf y with Σ = K_uu + K_uf K_fu/σ²).
        var gamma = new double[m];
        TensorPrimitives.Multiply(_c, s2, gamma);
        DenseLinalg.SolveLowerInPlace(_lb, m, gamma, 1, transpose: true);
        var alpha = (double[])gamma.Clone();
        DenseLinalg.SolveLowerInPlace(_l, m, alpha, 1, transpose: true);
        double traceBInv = 0, tracePsi = 0;
        for (int i = 0; i < m; i++) { traceBInv += bInv[i * m + i]; tracePsi += _psi[i * m + i]; }
        var psiGamma = new double[m];
        Gemm.Multiply(false, false, m, 1, m, 1.0, _psi, m, gamma, 1, 0.0, psiGamma, 1);
        // ∂F/∂σ² with K_uu, K_uf and tr K_ff held fixed.
        double dNoise = (m - traceBInv) / (2 * s2) - n / (2 * s2) + _yy / (2 * s2 * s2)
            - TensorPrimitives.Dot(_beta, gamma) / (s2 * s2 * s2) + TensorPrimitives.Dot(gamma, psiGamma) / (2 * s2 * s2 * s2 * s2)
            + _trace / (2 * s2 * s2) - tracePsi / (2 * s2 * s2);
        // P = L⁻ᵀ ∂F/∂Ψ, so that ∂F/∂K_uf = 2 P A + α yᵀ/σ⁴ chunk by chunk without a second triangular solve.
        var p = new double[m * m];
        for (int i = 0; i < m * m; i++) p[i] = -bInv[i] / (2 * s2);
        for (int i = 0; i < m; i++) p[i * m + i] += 1 / (2 * s2);
        AddOuter(p, gamma, -1 / (2 * s2 * s2 * s2));
        DenseLinalg.SolveLowerInPlace(_l, m, p, m, transpose: true);
        // ∂F/∂K_uu = L⁻ᵀ C L⁻¹, C = ½I − ½B⁻¹ − ½Ψ/σ² − γγᵀ/(2σ⁴).
        var gUu = new double[m * m];
        for (int i = 0; i < m * m; i++) gUu[i] = -0.5 * bInv[i] - 0.5 * _psi[i] / s2;
        for (int i = 0; i < m; i++) gUu[i * m + i] += 0.5;
        AddOuter(gUu, gamma, -1 / (2 * s2 * s2));
        UnwhitenBoth(gUu);
        var latentGrad = new double[_parts.Latent.ThetaCount];
        // K_uu = k(Z, Z): the cross contraction gives the derivative through the second argument; k and ∂F/∂K_uu are
        // symmetric, so the first argument contributes the same.
        var gzUu = new double[m * d];
        _parts.Latent.ContractCrossGradients(z, m, z, m, d, gUu, latentGrad, gzUu);
        TensorPrimitives.MultiplyAdd(gzUu, 2.0, gradZ, gradZ);
        var ga = new double[m];
        TensorPrimitives.Divide(alpha, s2 * s2, ga);
        for (int start = 0; start < n; start += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, n - start);
            ReadOnlySpan<double> ac = _aCache is not null ? _aCache.AsSpan(start * m, m * rows) : WhitenedChunk(z, start, rows);
            // ∂F/∂K_fu for the chunk, rows×M as the cross contraction reads it: (2PA)ᵀ = 2AᵀPᵀ by one GEMM on the
            // transposed operands (no transpose pass), plus y αᵀ/σ⁴ row by row.
            var h = _kc.AsSpan(0, rows * m);
            Gemm.Multiply(true, true, rows, m, m, 2.0, ac, rows, p, m, 0.0, h, m);
            for (int i = 0; i < rows; i++)
                TensorPrimitives.MultiplyAdd(ga, _y[start + i], h.Slice(i * m, m), h.Slice(i * m, m));
            _parts.Latent.ContractCrossGradients(_x.AsSpan(start * d, rows * d), rows, z, m, d, h, latentGrad, gradZ);
        }
        // tr K_ff enters with weight −1/(2σ²) on every point.
        var w = new double[n];
        Array.Fill(w, -1 / (2 * s2));
        _parts.Latent.ContractDiagonalGradients(_x, n, d, w, latentGrad);
        _parts.ScatterLatent(latentGrad, gradTheta);
        _parts.AddNoiseGradient(dNoise, gradTheta);
    }

    /// <summary>
    /// The q(L⁻¹u) = N(m, S) that makes the SVGP bound equal to this collapsed bound at the last valued point:
    /// m = B⁻¹β/σ², S = B⁻¹ (Titsias 2009's optimal q, whitened). Returns m and the lower Cholesky factor of S.
    /// </summary>
    public (double[] Mean, double[] CovarianceFactor) OptimalWhitenedPosterior()
    {
        if (_point is null) throw new InvalidOperationException("the bound has not been valued at a point");
        int m = _m;
        var mean = (double[])_c.Clone();
        DenseLinalg.SolveLowerInPlace(_lb, m, mean, 1, transpose: true);   // L_B⁻ᵀc = B⁻¹β/σ²
        var s = new double[m * m];
        DenseLinalg.InverseFromCholesky(_lb, m, s);
        if (!DenseLinalg.TryCholesky(s, m, out _)) throw new InvalidOperationException("B⁻¹ is not numerically positive definite");
        for (int i = 0; i < m; i++) s.AsSpan(i * m + i + 1, m - i - 1).Clear();
        return (mean, s);
    }

    /// <summary>S ← L⁻ᵀ S L⁻¹ for a symmetric S (two triangular solves), symmetrized.</summary>
    private void UnwhitenBoth(double[] s)
    {
        int m = _m;
        DenseLinalg.SolveLowerInPlace(_l, m, s, m, transpose: true);   // L⁻ᵀS
        TransposeInPlace(s, m);                                          // S L⁻¹
        DenseLinalg.SolveLowerInPlace(_l, m, s, m, transpose: true);   // L⁻ᵀ S L⁻¹
        for (int i = 0; i < m; i++)
            for (int j = 0; j < i; j++) s[i * m + j] = s[j * m + i] = 0.5 * (s[i * m + j] + s[j * m + i]);
    }

    /// <summary>
    /// What predictions need at the last valued point: L⁻¹, L_B⁻¹L⁻¹ and the mean weights v = L⁻ᵀL_B⁻ᵀc, so that for
    /// R = K(X*, Z): mean = R v and var = k** − |R L⁻ᵀ|²_rows + |R (L_B⁻¹L⁻¹)ᵀ|²_rows (Titsias 2009, eq. 6, whitened).
    /// </summary>
    public (double[] LInverse, double[] WhitenedInverse, double[] MeanWeights) Predictor()
    {
        if (_point is null) throw new InvalidOperationException("the bound has not been valued at a point");
        int m = _m;
        var lInv = new double[m * m];
        for (int i = 0; i < m; i++) lInv[i * m + i] = 1;
        DenseLinalg.SolveLowerInPlace(_l, m, lInv, m);
        var both = (double[])lInv.Clone();
        DenseLinalg.SolveLowerInPlace(_lb, m, both, m);
        var v = (double[])_c.Clone(); // L⁻ᵀL_B⁻ᵀc = α/σ²
        DenseLinalg.SolveLowerInPlace(_lb, m, v, 1, transpose: true);
        DenseLinalg.SolveLowerInPlace(_l, m, v, 1, transpose: true);
        return (lInv, both, v);
    }

    private static void AddOuter(double[] g, double[] v, double scale)
    {
        int m = v.Length;
        for (int i = 0; i < m; i++)
            TensorPrimitives.MultiplyAdd(v, scale * v[i], g.AsSpan(i * m, m), g.AsSpan(i * m, m));
    }

    internal static void MirrorLower(double[] a, int m)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < i; j++) a[j * m + i] = a[i * m + j];
    }

    private static void TransposeInPlace(double[] a, int m)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < i; j++) (a[i * m + j], a[j * m + i]) = (a[j * m + i], a[i * m + j]);
    }
}
