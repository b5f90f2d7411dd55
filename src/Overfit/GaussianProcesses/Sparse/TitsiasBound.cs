using System.Numerics.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Titsias (2009) collapsed evidence lower bound of sparse GP regression with inducing inputs Z (M×d) and Gaussian
/// noise σ²:
/// F = log N(y | 0, Q + σ²I) − tr(K_ff − Q)/(2σ²), Q = K_fu K_uu⁻¹ K_uf,
/// and its gradient with respect to the kernel's log-hyperparameters and to Z. The data enter only through
/// Φ = K_uf K_fu (a symmetric rank-k update over row chunks of X), b = K_uf y, yᵀy and tr K_ff, so one evaluation is
/// O(n·M²) in the GEMM with O(chunk·M) memory, and no n×n (or n×M) matrix is ever held. With L = chol(K_uu) and
/// B = I + L⁻¹ΦL⁻ᵀ/σ² = L_B L_Bᵀ:
/// F = −n/2 log 2π − Σ log (L_B)_ii − n/2 log σ² − yᵀy/(2σ²) + ½|c|² − tr K_ff/(2σ²) + tr(B − I)/2, c = L_B⁻¹L⁻¹b/σ².
/// The gradient follows from the partials ∂F/∂K_uu, ∂F/∂Φ, ∂F/∂b, ∂F/∂σ² (written in the L-whitened basis, where B
/// is well conditioned), pushed through K_uf = k(Z, X) and K_uu = k(Z, Z) by the kernels' cross contractions.
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
    private readonly double[] _l, _lb, _phi, _b, _c;

    public TitsiasBound(SparseKernelParts parts, double[] x, int n, int d, double[] y, int m, double alpha, double jitter)
    {
        _parts = parts; _x = x; _n = n; _d = d; _y = y; _m = m; _alpha = alpha; _jitter = jitter;
        _yy = TensorPrimitives.Dot(y, y);
        long mm = checked((long)m * m);
        _l = new double[mm]; _lb = new double[mm]; _phi = new double[mm];
        _b = new double[m]; _c = new double[m];
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
        // Φ = Σ_chunks K_cᵀK_c (lower triangle) and b = Σ K_cᵀ y_c.
        Array.Clear(_phi);
        Array.Clear(_b);
        var kc = new double[Math.Min(ChunkRows, n) * m];
        for (int start = 0; start < n; start += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, n - start);
            _parts.Latent.Evaluate(_x.AsSpan(start * d, rows * d), rows, z, m, d, kc);
            Gemm.SymmetricRankK(true, m, rows, 1.0, kc.AsSpan(0, rows * m), m, 1.0, _phi, m);
            Gemm.Multiply(true, false, m, 1, rows, 1.0, kc.AsSpan(0, rows * m), m, _y.AsSpan(start, rows), 1, 1.0, _b, 1);
        }
        MirrorLower(_phi, m);
        var diag = new double[n];
        _parts.Latent.Diagonal(_x, n, d, diag);
        _trace = TensorPrimitives.Sum(diag);
        // B = I + L⁻¹ Φ L⁻ᵀ / σ².
        var a = WhitenBoth(_phi);
        double traceA = 0;
        for (int i = 0; i < m; i++) traceA += a[i * m + i];
        for (int i = 0; i < a.Length; i++) _lb[i] = a[i] / _noise;
        for (int i = 0; i < m; i++) _lb[i * m + i] += 1;
        if (!DenseLinalg.TryCholesky(_lb, m, out _)) return false;
        _b.CopyTo(_c, 0);
        DenseLinalg.SolveLowerInPlace(_l, m, _c, 1);
        DenseLinalg.SolveLowerInPlace(_lb, m, _c, 1);
        TensorPrimitives.Divide(_c, _noise, _c);
        double logDetLb = 0;
        for (int i = 0; i < m; i++) logDetLb += Math.Log(_lb[i * m + i]);
        _value = -0.5 * n * Math.Log(2 * Math.PI) - logDetLb - 0.5 * n * Math.Log(_noise) - 0.5 * _yy / _noise
            + 0.5 * TensorPrimitives.Dot(_c, _c) - 0.5 * _trace / _noise + 0.5 * traceA / _noise;
        return true;
    }

    /// <summary>L⁻¹ S L⁻ᵀ for a symmetric S (two triangular solves), symmetrized.</summary>
    private double[] WhitenBoth(double[] s)
    {
        int m = _m;
        var t = (double[])s.Clone();
        DenseLinalg.SolveLowerInPlace(_l, m, t, m);          // L⁻¹S
        Transpose(t, m);                                     // S L⁻ᵀ
        DenseLinalg.SolveLowerInPlace(_l, m, t, m);          // L⁻¹ S L⁻ᵀ
        for (int i = 0; i < m; i++)
            for (int j = 0; j < i; j++) t[i * m + j] = t[j * m + i] = 0.5 * (t[i * m + j] + t[j * m + i]);
        return t;
    }

    private void Gradient(double[] z, double[] gradTheta, double[] gradZ)
    {
        int m = _m, n = _n, d = _d;
        double s2 = _noise;
        Array.Clear(gradTheta);
        Array.Clear(gradZ);
        // B⁻¹ and L⁻¹ (M³ work, small next to the n·M² products).
        var bInv = new double[m * m];
        GpLinalg.InverseFromCholesky(_lb, m, bInv);
        var lInv = new double[m * m];
        for (int i = 0; i < m; i++) lInv[i * m + i] = 1;
        DenseLinalg.SolveLowerInPlace(_l, m, lInv, m);
        // α = Σ⁻¹b = L⁻ᵀ L_B⁻ᵀ (σ² c), Σ = K_uu + Φ/σ².
        var alpha = new double[m];
        TensorPrimitives.Multiply(_c, s2, alpha);
        DenseLinalg.SolveLowerInPlace(_lb, m, alpha, 1, transpose: true);
        DenseLinalg.SolveLowerInPlace(_l, m, alpha, 1, transpose: true);
        var a = WhitenBoth(_phi);
        double traceBInv = 0, traceB = 0;
        for (int i = 0; i < m; i++) { traceBInv += bInv[i * m + i]; traceB += 1 + a[i * m + i] / s2; }
        // ∂F/∂Φ = L⁻ᵀ (I − B⁻¹) L⁻¹ / (2σ²) − ααᵀ/(2σ⁶);  ∂F/∂K_uu = L⁻ᵀ (I − ½B⁻¹ − ½B) L⁻¹ − ααᵀ/(2σ⁴).
        var core = new double[m * m];
        for (int i = 0; i < m * m; i++) core[i] = -bInv[i] / (2 * s2);
        for (int i = 0; i < m; i++) core[i * m + i] += 1 / (2 * s2);
        var gPhi = Unwhiten(core, lInv);
        AddOuter(gPhi, alpha, -1 / (2 * s2 * s2 * s2));
        for (int i = 0; i < m * m; i++) core[i] = -0.5 * bInv[i] - 0.5 * a[i] / s2;
        for (int i = 0; i < m; i++) core[i * m + i] += 0.5; // I − ½B⁻¹ − ½(I + A/σ²)
        var gUu = Unwhiten(core, lInv);
        AddOuter(gUu, alpha, -1 / (2 * s2 * s2));
        // ∂F/∂σ² with K_uu, Φ, b and tr K_ff held fixed.
        var phiAlpha = new double[m];
        Gemm.Multiply(false, false, m, 1, m, 1.0, _phi, m, alpha, 1, 0.0, phiAlpha, 1);
        double dNoise = (m - traceBInv) / (2 * s2) - n / (2 * s2) + _yy / (2 * s2 * s2)
            - TensorPrimitives.Dot(_b, alpha) / (s2 * s2 * s2) + TensorPrimitives.Dot(alpha, phiAlpha) / (2 * s2 * s2 * s2 * s2)
            + _trace / (2 * s2 * s2) - (traceB - m) / (2 * s2);
        var latentGrad = new double[_parts.Latent.ThetaCount];
        // K_uu = k(Z, Z): the cross contraction gives the derivative through the second argument; k and ∂F/∂K_uu are
        // symmetric, so the first argument contributes the same.
        var gzUu = new double[m * d];
        _parts.Latent.ContractCrossGradients(z, m, z, m, d, gUu, latentGrad, gzUu);
        TensorPrimitives.MultiplyAdd(gzUu, 2.0, gradZ, gradZ);
        // K_fu: ∂F/∂K_fu = 2 K_fu ∂F/∂Φ + y (∂F/∂b)ᵀ, ∂F/∂b = α/σ⁴, chunk by chunk.
        var gb = new double[m];
        TensorPrimitives.Divide(alpha, s2 * s2, gb);
        int cap = Math.Min(ChunkRows, n);
        var kc = new double[cap * m];
        var wc = new double[cap * m];
        for (int start = 0; start < n; start += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, n - start);
            var xs = _x.AsSpan(start * d, rows * d);
            _parts.Latent.Evaluate(xs, rows, z, m, d, kc);
            Gemm.Multiply(false, false, rows, m, m, 2.0, kc.AsSpan(0, rows * m), m, gPhi, m, 0.0, wc, m);
            for (int i = 0; i < rows; i++)
                TensorPrimitives.MultiplyAdd(gb, _y[start + i], wc.AsSpan(i * m, m), wc.AsSpan(i * m, m));
            _parts.Latent.ContractCrossGradients(xs, rows, z, m, d, wc.AsSpan(0, rows * m), latentGrad, gradZ);
        }
        // tr K_ff enters with weight −1/(2σ²) on every point.
        var w = new double[n];
        Array.Fill(w, -1 / (2 * s2));
        _parts.Latent.ContractDiagonalGradients(_x, n, d, w, latentGrad);
        _parts.ScatterLatent(latentGrad, gradTheta);
        _parts.AddNoiseGradient(dNoise, gradTheta);
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
        var v = (double[])_c.Clone();
        DenseLinalg.SolveLowerInPlace(_lb, m, v, 1, transpose: true);
        DenseLinalg.SolveLowerInPlace(_l, m, v, 1, transpose: true);
        return (lInv, both, v);
    }

    /// <summary>L⁻ᵀ C L⁻¹ from an explicit L⁻¹ (two GEMMs).</summary>
    private double[] Unwhiten(double[] core, double[] lInv)
    {
        int m = _m;
        var t = new double[m * m];
        Gemm.Multiply(false, false, m, m, m, 1.0, core, m, lInv, m, 0.0, t, m);
        var r = new double[m * m];
        Gemm.Multiply(true, false, m, m, m, 1.0, lInv, m, t, m, 0.0, r, m);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < i; j++) r[i * m + j] = r[j * m + i] = 0.5 * (r[i * m + j] + r[j * m + i]);
        return r;
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

    private static void Transpose(double[] a, int m)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < i; j++) (a[i * m + j], a[j * m + i]) = (a[j * m + i], a[i * m + j]);
    }
}
