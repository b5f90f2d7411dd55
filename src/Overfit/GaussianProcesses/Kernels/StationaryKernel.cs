using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Kernels of the scaled squared distance r² = Σ_k (x_k − x'_k)² / l_k² with isotropic or ARD length scales.
/// A subclass gives k as a function of r² and the factor g(r²) with ∂k/∂log l_k = g(r²)·D_k, D_k = (x_k − x'_k)²/l_k²;
/// everything else (matrices, gradients, fused contraction, input gradients) is shared here.
/// </summary>
public abstract partial class StationaryKernel : Kernel
{
    private protected readonly Hyperparameter LengthScaleParameter;

    private protected StationaryKernel(Hyperparameter lengthScale) => LengthScaleParameter = lengthScale;

    private protected static Hyperparameter MakeLengthScale(double[] lengthScale, double lower, double upper, bool isFixed, Prior? prior)
    {
        ArgumentNullException.ThrowIfNull(lengthScale);
        return new Hyperparameter("length_scale", lengthScale, lower, upper, isFixed, prior);
    }

    /// <summary>Length scales: one value (isotropic) or one per input dimension (ARD).</summary>
    public double[] LengthScale => (double[])LengthScaleParameter.Values.Clone();
    /// <summary>True with one length scale per dimension (ARD).</summary>
    public bool IsAnisotropic => LengthScaleParameter.Count > 1;
    /// <inheritdoc/>
    public override bool IsStationary => true;
    /// <inheritdoc/>
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [LengthScaleParameter];

    /// <summary>k as a function of r².</summary>
    protected abstract double ValueFromSquaredDistance(double r2);

    /// <summary>g(r²) such that ∂k/∂log l_k = g·D_k (and ∂k/∂x_k = −g·(x_k − x'_k)/l_k²).</summary>
    protected abstract double GradientFactor(double r2);

    /// <summary>
    /// The same correlation profile (the same ν for a Matérn) with fresh length scales, bounds and prior: how a model
    /// that is given a kernel family (SingleTaskGP's covariance module) builds its own ARD kernel from it.
    /// </summary>
    internal abstract StationaryKernel WithLengthScale(double[] lengthScale, double lower, double upper, Prior? prior);

    /// <summary>Converts a row of r² values to kernel values in place (override to vectorize).</summary>
    protected virtual void ValuesFromSquaredDistances(Span<double> r2)
    {
        for (int i = 0; i < r2.Length; i++) r2[i] = ValueFromSquaredDistance(r2[i]);
    }

    private double[] InverseLengthScales(int d)
    {
        var ls = LengthScaleParameter.Values;
        if (ls.Length != 1 && ls.Length != d)
            throw new ArgumentException($"{GetType().Name} has {ls.Length} ARD length scales but the inputs have {d} columns");
        var inv = new double[d];
        for (int k = 0; k < d; k++) inv[k] = 1.0 / (ls.Length == 1 ? ls[0] : ls[k]);
        return inv;
    }

    /// <summary>Inputs scaled by 1/l and transposed to d×n so the inner loops run over contiguous memory.</summary>
    private double[] ScaledTransposed(ReadOnlySpan<double> x, int n, int d)
    {
        var inv = InverseLengthScales(d);
        var t = new double[d * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++) t[k * n + i] = x[i * d + k] * inv[k];
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SquaredDistanceRow(double[] xt, int n, int d, ReadOnlySpan<double> point, int from, Span<double> r2, Span<double> tmp)
    {
        r2.Clear();
        var t = tmp[..r2.Length];
        for (int k = 0; k < d; k++)
        {
            var col = new ReadOnlySpan<double>(xt, k * n + from, r2.Length);
            TensorPrimitives.Subtract(col, point[k], t);
            TensorPrimitives.MultiplyAdd(t, t, r2, r2);
        }
    }

    /// <summary>
    /// K(X, Y) row by row: r² over all dimensions in registers, then the kernel values vectorized per row; large
    /// blocks (predictions at many points) are split over the cores by rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override unsafe void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        ExactInference.RequireLength(x.Length, (long)n * d, nameof(x));
        ExactInference.RequireLength(k.Length, (long)n * m, nameof(k));
        var yt = ScaledTransposed(y, m, d);
        var inv = InverseLengthScales(d);
        int chunks = PairParallel.RowChunkCount(n, m);
        fixed (double* xp = x)
        fixed (double* kp = k)
        fixed (double* yp = yt)
        {
            double* xptr = xp, kptr = kp, ytp = yp;
            if (chunks == 1) { EvaluateRows(xptr, ytp, inv, kptr, 0, n, m, d); return; }
            Threading.For(chunks, c => EvaluateRows(xptr, ytp, inv, kptr, (int)((long)n * c / chunks), (int)((long)n * (c + 1) / chunks), m, d));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void EvaluateRows(double* x, double* yt, double[] inv, double* k, int start, int end, int m, int d)
    {
        var point = stackalloc double[d];
        for (int i = start; i < end; i++)
        {
            for (int c = 0; c < d; c++) point[c] = x[(nint)i * d + c] * inv[c];
            double* row = k + (nint)i * m;
            SquaredDistancesToPoint(yt, m, d, point, row, m);
            ValuesFromSquaredDistances(new Span<double>(row, m));
        }
    }

    /// <inheritdoc/>
    public override unsafe void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        ExactInference.RequireLength(k.Length, (long)n * n, nameof(k));
        var xt = ScaledTransposed(x, n, d);
        fixed (double* kp = k)
        {
            double* kptr = kp;
            PairParallel.For(n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (_, start, end) =>
            {
                var p = new double[d];
                var tmp = new double[n];
                var kk = new Span<double>(kptr, n * n);
                for (int i = start; i < end; i++)
                {
                    for (int c = 0; c < d; c++) p[c] = xt[c * n + i];
                    var row = kk.Slice(i * n + i, n - i);
                    SquaredDistanceRow(xt, n, d, p, i, row, tmp);
                    row[0] = 0;
                    ValuesFromSquaredDistances(row);
                }
            });
            MirrorUpperToLower(kptr, n);
        }
    }

    /// <inheritdoc/>
    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => diag[..n].Fill(ValueFromSquaredDistance(0));

    /// <inheritdoc/>
    public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads)
    {
        if (LengthScaleParameter.IsFixed) return;
        var xt = ScaledTransposed(x, n, d);
        bool ard = IsAnisotropic;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double r2 = 0;
                for (int c = 0; c < d; c++) { double t = xt[c * n + i] - xt[c * n + j]; r2 += t * t; }
                double g = GradientFactor(r2);
                if (!ard) { grads[i * n + j] = g * r2; continue; }
                for (int c = 0; c < d; c++) { double t = xt[c * n + i] - xt[c * n + j]; grads[(c * n + i) * n + j] = g * t * t; }
            }
    }

    /// <inheritdoc/>
    public override void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        if (!LengthScaleParameter.IsFixed) ContractValueAndGradients(x, n, d, w, grad);
    }

    /// <summary>Writes k(r²) into <paramref name="values"/> and g(r²) into <paramref name="factors"/> for a row of r² (override to vectorize).</summary>
    protected virtual void ValuesAndGradientFactors(ReadOnlySpan<double> r2, Span<double> values, Span<double> factors)
    {
        for (int i = 0; i < r2.Length; i++) { values[i] = ValueFromSquaredDistance(r2[i]); factors[i] = GradientFactor(r2[i]); }
    }

    /// <summary>
    /// One pass over the upper-triangle pairs: r² per pair, then k and g vectorized per row, accumulating
    /// Σ W∘K and Σ_ij W_ij g_ij D_k,ij for every length scale at once (no n×n×d tensor).
    /// </summary>
    public override unsafe double ContractValueAndGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        ExactInference.RequireLength(w.Length, (long)n * n, nameof(w));
        var xt = ScaledTransposed(x, n, d);
        int chunks = PairParallel.ChunkCount(n);
        var partial = new double[chunks * (d + 1)];
        fixed (double* wp = w)
        {
            double* wptr = wp;
            PairParallel.For(n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk, start, end) =>
            {
                var ww = new ReadOnlySpan<double>(wptr, n * n);
                var p = new double[d];
                var r2 = new double[n];
                var values = new double[n];
                var factors = new double[n];
                var tmp = new double[n];
                var acc = new double[d];
                double value = 0;
                for (int i = start; i < end; i++)
                {
                    value += ww[i * n + i] * ValueFromSquaredDistance(0);
                    int len = n - i - 1;
                    if (len == 0) continue;
                    for (int c = 0; c < d; c++) p[c] = xt[c * n + i];
                    var t = tmp.AsSpan(0, len);
                    var row = r2.AsSpan(0, len);
                    SquaredDistanceRow(xt, n, d, p, i + 1, row, t);
                    var kv = values.AsSpan(0, len);
                    var g = factors.AsSpan(0, len);
                    ValuesAndGradientFactors(row, kv, g);
                    var wrow = ww.Slice(i * n + i + 1, len);
                    // Off-diagonal pairs count twice (W and K are symmetric); the diagonal has D = 0.
                    value += 2 * TensorPrimitives.Dot(kv, wrow);
                    TensorPrimitives.Multiply(g, wrow, g);
                    for (int c = 0; c < d; c++)
                    {
                        TensorPrimitives.Subtract(new ReadOnlySpan<double>(xt, c * n + i + 1, len), p[c], t);
                        TensorPrimitives.Multiply(t, t, t);
                        acc[c] += 2 * TensorPrimitives.Dot(g, t);
                    }
                }
                acc.CopyTo(partial, chunk * (d + 1));
                partial[chunk * (d + 1) + d] = value;
            });
        }
        return SumChunkPartials(partial, chunks, d, grad);
    }

    /// <summary>
    /// Adds the per-chunk length-scale sums (d per chunk, then the chunk's value term) into the gradient (one entry
    /// per dimension, or all into one for an isotropic kernel; none when the length scale is fixed) and returns the
    /// summed value term. Chunks are summed in order, so the result does not depend on which thread ran which chunk.
    /// </summary>
    private double SumChunkPartials(double[] partial, int chunks, int d, Span<double> grad)
    {
        double total = 0;
        bool free = !LengthScaleParameter.IsFixed;
        for (int ch = 0; ch < chunks; ch++)
        {
            total += partial[ch * (d + 1) + d];
            if (!free) continue;
            for (int c = 0; c < d; c++)
            {
                if (IsAnisotropic) grad[c] += partial[ch * (d + 1) + c];
                else grad[0] += partial[ch * (d + 1) + c];
            }
        }
        return total;
    }

    /// <summary>Copies the upper triangle into the lower one in 64×64 tiles, so the strided side stays in cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void MirrorUpperToLower(double* k, int n)
    {
        const int tile = 64;
        for (int i0 = 0; i0 < n; i0 += tile)
            for (int j0 = i0; j0 < n; j0 += tile)
            {
                int iEnd = Math.Min(i0 + tile, n), jEnd = Math.Min(j0 + tile, n);
                for (int i = i0; i < iEnd; i++)
                    for (int j = Math.Max(j0, i + 1); j < jEnd; j++) k[j * n + i] = k[i * n + j];
            }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad)
    {
        var inv = InverseLengthScales(d);
        for (int j = 0; j < m; j++)
        {
            double r2 = 0;
            for (int c = 0; c < d; c++) { double t = (x[c] - y[j * d + c]) * inv[c]; r2 += t * t; }
            double g = GradientFactor(r2);
            for (int c = 0; c < d; c++) grad[j * d + c] = -g * (x[c] - y[j * d + c]) * inv[c] * inv[c];
        }
    }
}
