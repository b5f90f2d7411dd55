namespace Overfit.GaussianProcesses;

/// <summary>
/// Splits a regression kernel into the latent covariance and the observation noise, as inducing-point models need:
/// K_uu and K_uf describe the noise-free function, the noise enters the likelihood. A kernel may carry its noise as
/// a top-level WhiteKernel summand (k + WhiteKernel, the scikit-learn idiom): its noise_level is then the learned
/// noise variance and its θ entry stays where the whole kernel's Theta puts it. A WhiteKernel anywhere else (inside
/// a product, or nested in a sum on the right) is rejected.
/// </summary>
internal sealed class SparseKernelParts
{
    public const string NoNoiseMessage =
        "sparse GP regression needs observation noise: add a WhiteKernel summand to the kernel or give alpha > 0";

    private readonly int _latentOffset, _whiteIndex;

    private SparseKernelParts(Kernel kernel, Kernel latent, WhiteKernel? white, int latentOffset, int whiteIndex)
    {
        Kernel = kernel; Latent = latent; White = white; _latentOffset = latentOffset; _whiteIndex = whiteIndex;
    }

    /// <summary>The whole kernel (its Theta is what the optimizer sees).</summary>
    public Kernel Kernel { get; }

    /// <summary>The noise-free part that builds K_uu, K_uf and diag K_ff.</summary>
    public Kernel Latent { get; }

    public WhiteKernel? White { get; }

    /// <summary>The WhiteKernel's noise level (0 without one).</summary>
    public double WhiteNoise => White?.NoiseLevel ?? 0;

    public static SparseKernelParts Split(Kernel kernel, string argumentName)
    {
        if (kernel is SumKernel sum && sum.K2 is WhiteKernel w2 && !ContainsWhite(sum.K1))
            return new SparseKernelParts(kernel, sum.K1, w2, 0, w2.ThetaCount == 1 ? sum.K1.ThetaCount : -1);
        if (kernel is SumKernel sum1 && sum1.K1 is WhiteKernel w1 && !ContainsWhite(sum1.K2))
            return new SparseKernelParts(kernel, sum1.K2, w1, w1.ThetaCount, w1.ThetaCount == 1 ? 0 : -1);
        if (kernel is WhiteKernel)
            throw new ArgumentException("the kernel is white noise only; sparse GP regression needs a latent covariance (e.g. RBF() + WhiteKernel())", argumentName);
        if (ContainsWhite(kernel))
            throw new ArgumentException($"a WhiteKernel may only be a top-level summand of a sparse GP's kernel (k + WhiteKernel(...)), got {kernel}", argumentName);
        return new SparseKernelParts(kernel, kernel, null, 0, -1);
    }

    private static bool ContainsWhite(Kernel k) => k is WhiteKernel || (k is BinaryKernel b && (ContainsWhite(b.K1) || ContainsWhite(b.K2)));

    /// <summary>Adds the latent kernel's θ gradient into the whole kernel's θ gradient.</summary>
    public void ScatterLatent(ReadOnlySpan<double> latent, Span<double> whole)
    {
        for (int t = 0; t < latent.Length; t++) whole[_latentOffset + t] += latent[t];
    }

    /// <summary>Adds ∂F/∂σ² · ∂σ²/∂θ_white (= noise level, θ being its log) when the WhiteKernel's level is free.</summary>
    public void AddNoiseGradient(double dNoise, Span<double> whole)
    {
        if (_whiteIndex >= 0) whole[_whiteIndex] += dNoise * WhiteNoise;
    }
}
