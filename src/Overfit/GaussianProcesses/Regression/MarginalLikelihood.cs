using System.Runtime.CompilerServices;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// log p(y | X, θ) = −½ yᵀα − Σ log L_ii − n/2 log 2π with K + alpha·I = LLᵀ, α = K⁻¹y, and its gradient
/// ½ tr((ααᵀ − K⁻¹) ∂K/∂θ) from one Cholesky and one inverse; the trace is contracted inside the kernels
/// (fused loops over pairs), never through an n×n×p tensor. Buffers are reused across evaluations.
/// </summary>
internal sealed class MarginalLikelihood(Kernel kernel, double[] x, int n, int d, double[] y, double alpha)
{
    private readonly double[] _k = new double[n * n];
    private readonly double[] _l = new double[n * n];
    private readonly double[] _a = new double[n];

    private double[]? _factoredTheta;
    private double _factoredLml;

    public int N => n;

    /// <summary>Returns the LML (−∞ when K cannot be factored even with jitter); writes the gradient when asked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(double[] theta, double[]? gradient)
    {
        if (gradient is not null) Array.Clear(gradient);
        kernel.Theta = theta;
        double lml;
        if (_factoredTheta is not null && theta.AsSpan().SequenceEqual(_factoredTheta))
            lml = _factoredLml; // the line search valued this point already; reuse its factorization
        else
        {
            _factoredTheta = null;
            kernel.EvaluateSymmetric(x, n, d, _k);
            for (int i = 0; i < n; i++) _k[i * n + i] += alpha;
            double jitter = GpLinalg.CholeskyWithJitter(_k, n, _l);
            if (double.IsNaN(jitter)) return double.NegativeInfinity;
            y.CopyTo(_a, 0);
            DenseLinalg.CholeskySolveInPlace(_l, n, _a, 1);
            double dot = 0;
            for (int i = 0; i < n; i++) dot += y[i] * _a[i];
            lml = -0.5 * dot - 0.5 * DenseLinalg.LogDetFromCholesky(_l, n) - 0.5 * n * Math.Log(2 * Math.PI);
            _factoredTheta = (double[])theta.Clone();
            _factoredLml = lml;
        }
        if (gradient is null || gradient.Length == 0) return lml;
        // W = ½(ααᵀ − K⁻¹), written over the K buffer.
        GpLinalg.InverseFromCholesky(_l, n, _k);
        for (int i = 0; i < n; i++)
        {
            double ai = _a[i];
            var row = _k.AsSpan(i * n, n);
            System.Numerics.Tensors.TensorPrimitives.Multiply(row, -0.5, row);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_a, 0.5 * ai, row, row);
        }
        kernel.ContractHyperparameterGradients(x, n, d, _k, gradient);
        return lml;
    }
}
