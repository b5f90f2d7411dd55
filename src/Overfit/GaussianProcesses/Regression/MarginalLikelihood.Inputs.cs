using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

internal sealed partial class MarginalLikelihood
{
    /// <summary>
    /// The log marginal likelihood when the inputs themselves are learned (deep kernel learning): the caller rewrites the
    /// input buffer given to the constructor (n×d, the network's features) before each call, and the noise added to the
    /// diagonal is a parameter too. Returns the LML (−∞ when K + noise·I cannot be factored even with jitter) and writes
    /// ∂LML/∂θ into <paramref name="thetaGradient"/>, ∂LML/∂X into <paramref name="inputGradient"/> (n×d) and
    /// ∂LML/∂noise into <paramref name="noiseGradient"/>.
    /// With W = ½(ααᵀ − K⁻¹): ∂LML/∂θ = Σ W∘∂K/∂θ, ∂LML/∂noise = tr W and, since k is symmetric,
    /// ∂LML/∂x_j = 2 Σ_i W_ij ∂k(x_i, x_j)/∂x_j — the cross contraction of the kernel against itself.
    /// </summary>
    public double EvaluateWithInputs(double[] theta, double noise, double[] thetaGradient, Span<double> inputGradient, out double noiseGradient)
    {
        if (_factorTaken) throw new InvalidOperationException("the factor buffer was handed over; create a new MarginalLikelihood");
        noiseGradient = 0;
        Array.Clear(thetaGradient);
        inputGradient[..(n * d)].Clear();
        alpha = noise;
        kernel.Theta = theta;
        // The inputs changed since the last call, so no earlier factor may be reused (nor handed over).
        _factoredTheta = null;
        if (!FactorWithJitter()) return double.NegativeInfinity;
        double lml = ValueFromFactor();
        _w ??= GC.AllocateUninitializedArray<double>(_l.Length);
        DenseLinalg.InverseFromCholeskyLower<double>(_l, n, _diagonalInverses, _w);
        GpLinalg.WeightsFromInverse(_w, _a, n);
        for (int i = 0; i < n; i++) noiseGradient += _w[i * n + i];
        kernel.ContractHyperparameterGradients(x, n, d, _w, thetaGradient);
        // The cross contraction also sums θ gradients (white noise excluded); those go to a scratch buffer, the ones
        // above (white noise included) are the gradient of this K.
        kernel.ContractCrossGradients(x, n, x, n, d, _w, new double[thetaGradient.Length], inputGradient);
        for (int i = 0; i < n * d; i++) inputGradient[i] *= 2;
        return lml;
    }

    /// <summary>α = K⁻¹(y − mean) from the factor just made, and the LML −½ (y − mean)ᵀα − ½ log|K| − n/2 log 2π.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private double ValueFromFactor()
    {
        for (int i = 0; i < n; i++) _a[i] = y[i] - _mean;
        DenseLinalg.CholeskySolveInPlace(_l, n, _a, 1);
        double dot = 0;
        for (int i = 0; i < n; i++) dot += (y[i] - _mean) * _a[i];
        return -0.5 * dot - 0.5 * DenseLinalg.LogDetFromCholesky(_l, n) - 0.5 * n * Math.Log(2 * Math.PI);
    }
}
