namespace Overfit.GaussianProcesses;

/// <summary>
/// Kernels of the scaled squared distance r² = Σ_k (x_k − x'_k)² / l_k² with isotropic or ARD length scales.
/// A subclass gives k as a function of r² and the factor g(r²) with ∂k/∂log l_k = g(r²)·D_k, D_k = (x_k − x'_k)²/l_k²;
/// everything else (matrices, gradients, fused contraction, input gradients) is shared here.
/// </summary>
public abstract class StationaryKernel : Kernel
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
    public bool IsAnisotropic => LengthScaleParameter.Count > 1;
    public override bool IsStationary => true;
    public override IReadOnlyList<Hyperparameter> Hyperparameters => [LengthScaleParameter];

    /// <summary>k as a function of r².</summary>
    protected abstract double ValueFromSquaredDistance(double r2);

    /// <summary>g(r²) such that ∂k/∂log l_k = g·D_k (and ∂k/∂x_k = −g·(x_k − x'_k)/l_k²).</summary>
    protected abstract double GradientFactor(double r2);

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

    private static void SquaredDistanceRow(double[] xt, int n, int d, ReadOnlySpan<double> point, int from, Span<double> r2)
    {
        r2.Clear();
        for (int k = 0; k < d; k++)
        {
            var col = new ReadOnlySpan<double>(xt, k * n + from, r2.Length);
            double p = point[k];
            for (int j = 0; j < col.Length; j++) { double t = col[j] - p; r2[j] += t * t; }
        }
    }

    public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k)
    {
        var yt = ScaledTransposed(y, m, d);
        var inv = InverseLengthScales(d);
        var p = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < d; c++) p[c] = x[i * d + c] * inv[c];
            var row = k.Slice(i * m, m);
            SquaredDistanceRow(yt, m, d, p, 0, row);
            ValuesFromSquaredDistances(row);
        }
    }

    public override unsafe void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k)
    {
        var xt = ScaledTransposed(x, n, d);
        fixed (double* kp = k)
        {
            double* kptr = kp;
            PairParallel.For(n, (_, start, end) =>
            {
                var p = new double[d];
                var kk = new Span<double>(kptr, n * n);
                for (int i = start; i < end; i++)
                {
                    for (int c = 0; c < d; c++) p[c] = xt[c * n + i];
                    var row = kk.Slice(i * n + i, n - i);
                    SquaredDistanceRow(xt, n, d, p, i, row);
                    row[0] = 0;
                    ValuesFromSquaredDistances(row);
                }
            });
            // Mirror the upper triangle into the lower one.
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) kptr[j * n + i] = kptr[i * n + j];
        }
    }

    public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => diag[..n].Fill(ValueFromSquaredDistance(0));

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

    public override unsafe void ContractHyperparameterGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
    {
        if (LengthScaleParameter.IsFixed) return;
        var xt = ScaledTransposed(x, n, d);
        int chunks = PairParallel.ChunkCount(n);
        var partial = new double[chunks * d];
        fixed (double* wp = w)
        {
            double* wptr = wp;
            PairParallel.For(n, (chunk, start, end) =>
            {
                var ww = new ReadOnlySpan<double>(wptr, n * n);
                var p = new double[d];
                var r2 = new double[n];
                var acc = new double[d];
                for (int i = start; i < end; i++)
                {
                    int len = n - i - 1;
                    if (len == 0) continue;
                    for (int c = 0; c < d; c++) p[c] = xt[c * n + i];
                    var row = r2.AsSpan(0, len);
                    SquaredDistanceRow(xt, n, d, p, i + 1, row);
                    var wrow = ww.Slice(i * n + i + 1, len);
                    // Off-diagonal pairs count twice (W and dK are symmetric); the diagonal has D = 0.
                    for (int j = 0; j < len; j++) row[j] = 2 * wrow[j] * GradientFactor(row[j]);
                    for (int c = 0; c < d; c++)
                    {
                        var col = new ReadOnlySpan<double>(xt, c * n + i + 1, len);
                        double pc = p[c], s = 0;
                        for (int j = 0; j < len; j++) { double t = col[j] - pc; s += row[j] * t * t; }
                        acc[c] += s;
                    }
                }
                acc.CopyTo(partial, chunk * d);
            });
        }
        for (int ch = 0; ch < chunks; ch++)
            for (int c = 0; c < d; c++)
            {
                if (IsAnisotropic) grad[c] += partial[ch * d + c];
                else grad[0] += partial[ch * d + c];
            }
    }

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
