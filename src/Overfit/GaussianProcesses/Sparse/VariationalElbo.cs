using Overfit.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// The SVGP evidence lower bound (Hensman et al. 2013) with the whitened parametrization u = Lv, K_uu = LLᵀ,
/// q(v) = N(m, S), S = L_S L_Sᵀ (L_S lower triangular), on a minibatch B of the n rows:
/// ELBO ≈ n/|B| Σ_{i∈B} E_q[log N(y_i | f_i, σ²)] − KL(q(v) ‖ N(0, I)), where with a_i = L⁻¹k_u(x_i):
/// E_q[log N] = −½ log 2πσ² − ((y_i − a_iᵀm)² + k_ii − |a_i|² + |L_Sᵀa_i|²)/(2σ²) and
/// KL = ½(tr S + mᵀm − M − log|S|). The M×M and |B|×M algebra runs on autograd tensors (Cholesky, triangular solve);
/// the gradients that reach K_uu, K_fu, diag K_ff and σ² are pushed into the kernel's θ and into Z by its cross and
/// diagonal contractions, as in <see cref="TitsiasBound"/>.
/// </summary>
internal sealed class VariationalElbo(SparseKernelParts parts, double[] x, int n, int d, double[] y, int m, double alpha, double jitter)
{
    private readonly Tensor _lowerMask = LowerMask(m);
    private readonly Tensor _eye = Tensor.Eye(m, dtype: DType.Float64);

    private static Tensor LowerMask(int m)
    {
        var mask = new double[m * m];
        for (int i = 0; i < m; i++) for (int j = 0; j <= i; j++) mask[i * m + j] = 1;
        return Tensor.FromArray(mask, [m, m]);
    }

    /// <summary>
    /// The ELBO estimate on the rows <paramref name="batch"/> (all rows when null). With <paramref name="gradTheta"/>
    /// and <paramref name="gradZ"/> given it also writes ∂ELBO/∂θ and ∂ELBO/∂Z and leaves ∂ELBO/∂m and ∂ELBO/∂L_S in
    /// <paramref name="qMu"/>.Grad and <paramref name="qSqrt"/>.Grad (which must require grad). −∞ when K_uu cannot be
    /// factored even with jitter.
    /// </summary>
    public double Evaluate(double[] theta, double[] z, Tensor qMu, Tensor qSqrt, int[]? batch, double[]? gradTheta, double[]? gradZ)
    {
        bool wantGrad = gradTheta is not null || gradZ is not null;
        parts.Kernel.Theta = theta;
        double noise = alpha + parts.WhiteNoise;
        if (!(noise > 0)) throw new InvalidOperationException(SparseKernelParts.NoNoiseMessage);
        int b = batch?.Length ?? n;
        var xb = new double[checked(b * d)];
        var yb = new double[b];
        for (int i = 0; i < b; i++)
        {
            int row = batch is null ? i : batch[i];
            x.AsSpan(row * d, d).CopyTo(xb.AsSpan(i * d, d));
            yb[i] = y[row];
        }
        var kuu = new double[m * m];
        parts.Latent.EvaluateSymmetric(z, m, d, kuu);
        for (int i = 0; i < m; i++) kuu[i * m + i] += jitter;
        double extra = GpLinalg.CholeskyWithJitter(kuu, m, new double[m * m]);
        if (double.IsNaN(extra)) return double.NegativeInfinity;
        for (int i = 0; i < m; i++) kuu[i * m + i] += extra;
        var kfu = new double[checked(b * m)];
        parts.Latent.Evaluate(xb, b, z, m, d, kfu);
        var kd = new double[b];
        parts.Latent.Diagonal(xb, b, d, kd);

        var kuuT = Tensor.FromArray(kuu, [m, m], requiresGrad: wantGrad);
        var kfuT = Tensor.FromArray(kfu, [b, m], requiresGrad: wantGrad);
        var kdT = Tensor.FromArray(kd, [b], requiresGrad: wantGrad);
        var noiseT = Tensor.Scalar(noise, DType.Float64, requiresGrad: wantGrad);
        var yT = Tensor.FromArray(yb, [b]);
        // The tape is recorded even for a value alone (q's tensors require grad); at M×M and |B|×M it costs little.
        Tensor elbo;
        {
            var l = Linalg.Cholesky(kuuT);
            var a = Linalg.SolveTriangular(l, kfuT.T.Contiguous(), lower: true);        // M×B
            var ls = qSqrt.Mul(_lowerMask);
            var mean = a.T.MatMul(qMu.Reshape(m, 1)).Reshape(b);
            var sa = ls.T.MatMul(a);
            var variance = kdT - a.Square().Sum(0) + sa.Square().Sum(0);
            var residual = yT - mean;
            var expectedLogLik = (residual.Square() + variance).Sum().Div(noiseT.Mul(2.0)).Neg()
                - noiseT.Log().Mul(0.5 * b) - 0.5 * b * Math.Log(2 * Math.PI);
            var kl = (ls.Square().Sum() + qMu.Square().Sum() - m).Mul(0.5) - ls.Mul(_eye).Sum(1).Abs().Log().Sum();
            elbo = expectedLogLik.Mul((double)n / b) - kl;
        }
        double value = elbo.Item();
        if (!wantGrad) return value;
        elbo.Backward();
        var gTheta = gradTheta ?? new double[theta.Length];
        var gZ = gradZ ?? new double[z.Length];
        Array.Clear(gTheta);
        Array.Clear(gZ);
        var latentGrad = new double[parts.Latent.ThetaCount];
        // K_uu = k(Z, Z): its (symmetric) gradient reaches Z through both arguments equally.
        var gzUu = new double[m * d];
        parts.Latent.ContractCrossGradients(z, m, z, m, d, kuuT.Grad!.ToDoubleArray(), latentGrad, gzUu);
        for (int i = 0; i < gZ.Length; i++) gZ[i] += 2 * gzUu[i];
        parts.Latent.ContractCrossGradients(xb, b, z, m, d, kfuT.Grad!.ToDoubleArray(), latentGrad, gZ);
        parts.Latent.ContractDiagonalGradients(xb, b, d, kdT.Grad!.ToDoubleArray(), latentGrad);
        parts.ScatterLatent(latentGrad, gTheta);
        parts.AddNoiseGradient(noiseT.Grad!.Item(), gTheta);
        return value;
    }
}
