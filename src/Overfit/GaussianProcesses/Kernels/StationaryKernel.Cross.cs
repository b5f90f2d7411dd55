using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Overfit.GaussianProcesses;

public abstract partial class StationaryKernel
{
    /// <summary>
    /// One pass over the rows of X: r² to every y_j, then k and g vectorized per row; with P = W∘g and the scaled
    /// differences t_c = (y_c − x_c)/l_c it accumulates Σ W∘K, Σ P t_c² (∂k/∂log l_c = g t_c²) and Σ_i P t_c
    /// (∂k/∂y_c = −g t_c / l_c). Rows go to the cores in chunks whose partial sums are added in chunk order.
    /// </summary>
    internal override unsafe double ContractCrossGradients(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d,
        ReadOnlySpan<double> w, Span<double> grad, Span<double> gradY)
    {
        var inv = InverseLengthScales(d);
        var yt = ScaledTransposed(y, m, d);
        bool wantY = !gradY.IsEmpty;
        int chunks = PairParallel.RowChunkCount(n, m);
        var partial = new double[chunks * (d + 1)];
        var partialY = wantY ? new double[chunks * d * m] : [];
        fixed (double* xp = x)
        fixed (double* wp = w)
        {
            double* xptr = xp, wptr = wp;
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            void Rows(int chunk)
            {
                int start = (int)((long)n * chunk / chunks), end = (int)((long)n * (chunk + 1) / chunks);
                var point = new double[d];
                var r2 = new double[m];
                var values = new double[m];
                var factors = new double[m];
                var acc = new double[d];
                var accY = wantY ? new Span<double>(partialY, chunk * d * m, d * m) : [];
                double value = 0;
                for (int i = start; i < end; i++)
                {
                    for (int c = 0; c < d; c++) point[c] = xptr[(nint)i * d + c] * inv[c];
                    fixed (double* yp = yt)
                    fixed (double* pp = point)
                    fixed (double* rp = r2)
                        SquaredDistancesToPoint(yp, m, d, pp, rp, m);
                    ValuesAndGradientFactors(r2, values, factors);
                    var wrow = new ReadOnlySpan<double>(wptr + (nint)i * m, m);
                    value += TensorPrimitives.Dot(values, wrow);
                    TensorPrimitives.Multiply(factors, wrow, factors);
                    fixed (double* yp = yt)
                    fixed (double* fp = factors)
                    fixed (double* ap = accY)
                        for (int c = 0; c < d; c++)
                            acc[c] += wantY ? WeightedSquaredDifferences<AddToSum>(yp + (nint)c * m, point[c], fp, ap + (nint)c * m, m)
                                : WeightedSquaredDifferences<NoSum>(yp + (nint)c * m, point[c], fp, null, m);
                }
                acc.CopyTo(partial, chunk * (d + 1));
                partial[chunk * (d + 1) + d] = value;
            }
            if (chunks == 1) Rows(0);
            else Threading.For(chunks, Rows);
        }
        if (wantY)
            for (int ch = 0; ch < chunks; ch++)
                for (int c = 0; c < d; c++)
                    for (int j = 0; j < m; j++) gradY[j * d + c] -= partialY[(ch * d + c) * m + j] * inv[c];
        return SumChunkPartials(partial, chunks, d, grad);
    }

    /// <summary>The diagonal is the constant k(0), whatever the length scales: no gradient.</summary>
    internal override double ContractDiagonalGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad)
        => ValueFromSquaredDistance(0) * TensorPrimitives.Sum(w[..n]);
}
