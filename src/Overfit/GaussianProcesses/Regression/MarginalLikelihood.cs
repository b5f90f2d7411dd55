using System.Runtime.CompilerServices;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// log p(y | X, θ) = −½ yᵀα − Σ log L_ii − n/2 log 2π with K + alpha·I = LLᵀ, α = K⁻¹y, and its gradient
/// ½ tr((ααᵀ − K⁻¹) ∂K/∂θ) from one blocked Cholesky and one blocked inverse; the trace is contracted inside the
/// kernels (fused loops over pairs), never through an n×n×p tensor. Two n×n buffers are reused across evaluations:
/// the factor (K is built straight into it) and K⁻¹ (formed in place from L⁻¹). <paramref name="alphaPerSample"/>, when
/// given, adds its own noise to each diagonal entry on top of <paramref name="alpha"/>.
/// </summary>
internal sealed partial class MarginalLikelihood(Kernel kernel, double[] x, int n, int d, double[] y, double alpha, double[]? alphaPerSample = null)
{
    // Uninitialized: every buffer is fully written before it is read (K before the factorization, K⁻¹ before use).
    private readonly double[] _l = GC.AllocateUninitializedArray<double>(ExactInference.Elements(n, n, "K"));
    private readonly double[] _diagonalInverses = new double[DenseLinalg.DiagonalInverseLength(n)];
    private readonly double[] _a = new double[n];
    private double[]? _w;

    private double[]? _factoredTheta;
    private double _factoredLml;

    public int N => n;

    /// <summary>
    /// Hands over the factor of K + alpha·I (+ jitter) at <paramref name="theta"/>, strict upper triangle zeroed, when
    /// that is the point factored last (the optimizer's final point usually is); null otherwise. After a hand-over
    /// this instance can no longer evaluate (the buffer belongs to the caller).
    /// </summary>
    public double[]? TakeFactorAt(double[] theta, out double jitter)
    {
        jitter = _factoredJitter;
        if (_factorTaken || _factoredTheta is null || !theta.AsSpan().SequenceEqual(_factoredTheta)) return null;
        for (int i = 0; i < n; i++) _l.AsSpan(i * n + i + 1, n - i - 1).Clear();
        _factorTaken = true;
        return _l;
    }

    private bool _factorTaken;
    private double _factoredJitter;
    private double _mean; // constant prior mean subtracted from y (0 unless a model learns one)

    /// <summary>Returns the LML (−∞ when K cannot be factored even with jitter); writes the gradient when asked.</summary>
    public double Evaluate(double[] theta, double[]? gradient) => Evaluate(theta, 0, gradient, out _);

    /// <summary>
    /// The LML of y − <paramref name="mean"/> (a constant prior mean, as BoTorch's ConstantMean), −∞ when K cannot be
    /// factored even with jitter. With a gradient buffer it writes ∂LML/∂θ there and ∂LML/∂mean = 1ᵀα into
    /// <paramref name="meanGradient"/> (0 otherwise). A new mean at the last factored θ costs one solve, not a factorization.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(double[] theta, double mean, double[]? gradient, out double meanGradient)
    {
        if (_factorTaken) throw new InvalidOperationException("the factor buffer was handed over; create a new MarginalLikelihood");
        meanGradient = 0;
        if (gradient is not null) Array.Clear(gradient);
        kernel.Theta = theta;
        double lml;
        if (_factoredTheta is not null && theta.AsSpan().SequenceEqual(_factoredTheta))
        {
            // the line search valued this point already; reuse its factorization
            if (mean != _mean) { _mean = mean; _factoredLml = ValueFromFactor(); }
            lml = _factoredLml;
        }
        else
        {
            _factoredTheta = null;
            if (!FactorWithJitter()) return double.NegativeInfinity;
            _mean = mean;
            lml = ValueFromFactor();
            _factoredTheta = (double[])theta.Clone();
            _factoredLml = lml;
        }
        if (gradient is null) return lml;
        for (int i = 0; i < n; i++) meanGradient += _a[i];
        if (gradient.Length == 0) return lml;
        _w ??= GC.AllocateUninitializedArray<double>(_l.Length);
        DenseLinalg.InverseFromCholeskyLower<double>(_l, n, _diagonalInverses, _w);
        if (kernel.SupportsLowerWeights) kernel.ContractLowerWeights(x, n, d, new LowerWeights(_w, _a, n), gradient);
        else
        {
            GpLinalg.WeightsFromInverse(_w, _a, n);
            kernel.ContractHyperparameterGradients(x, n, d, _w, gradient);
        }
        return lml;
    }

    /// <summary>
    /// Builds K + alpha·I into the factor buffer and factors it; when that fails, rebuilds it with the jitter ladder of
    /// <see cref="GpLinalg.CholeskyWithJitter"/> (K is rebuilt rather than kept, which saves an n×n copy per evaluation).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FactorWithJitter()
    {
        double scale = 1;
        for (int step = 0; step <= DenseLinalg.JitterSteps; step++)
        {
            kernel.EvaluateLowerTriangle(x, n, d, _l);
            if (step == 0)
            {
                double diagonalSum = 0;
                for (int i = 0; i < n; i++) diagonalSum += _l[i * n + i] + alpha + (alphaPerSample?[i] ?? 0);
                scale = DenseLinalg.JitterScale(diagonalSum, n);
            }
            double jitter = DenseLinalg.JitterAt(step, scale);
            for (int i = 0; i < n; i++) _l[i * n + i] += alpha + (alphaPerSample?[i] ?? 0) + jitter;
            _factoredJitter = jitter;
            if (DenseLinalg.TryCholeskyBlocked<double>(_l, n, _diagonalInverses, out _)) return true;
        }
        return false;
    }
}
