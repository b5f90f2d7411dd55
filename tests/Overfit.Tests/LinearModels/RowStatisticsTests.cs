using Overfit.LinearModels.Internal;
using Overfit.Tensors.Kernels;
using Overfit.Tests.Kernels;

namespace Overfit.Tests.LinearModels;

/// <summary>
/// The one-pass column statistics (Σx, Σx², Xᵀ(y − ȳ), ||y − ȳ||²) against plain loops, on shapes below and above the
/// size where the rows are split among threads, with one and several threads and odd widths (vector tails).
/// </summary>
[Collection(GemmCollection.Name)]   // changes Gemm.MaxThreads
public sealed class RowStatisticsTests
{
    [Theory]
    [InlineData(7, 3, 1)]
    [InlineData(300, 17, 2)]
    [InlineData(3001, 131, 1)]
    [InlineData(3001, 131, 2)]
    [InlineData(20000, 15, 3)]
    public void MatchesPlainSums(int n, int p, int threads)
    {
        var rng = new Random(n + p);
        var x = new double[n * p];
        var y = new double[n];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 4 - 1;
        for (int i = 0; i < n; i++) y[i] = rng.NextDouble() * 10 - 3;
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = threads;
            foreach (bool center in new[] { false, true })
            {
                double yMean = center ? y.Average() : 0;
                var sum = new double[p]; var sumSq = new double[p]; var xty = new double[p];
                double yy = RowStatistics.Accumulate(x, n, p, y, yMean, center, sum, sumSq, xty);
                double yyRef = 0;
                for (int i = 0; i < n; i++) yyRef += (y[i] - yMean) * (y[i] - yMean);
                Close.One(yyRef, yy, 1e-12, 0, "||y − ȳ||²");
                for (int j = 0; j < p; j++)
                {
                    double s = 0, sq = 0, xy = 0;
                    for (int i = 0; i < n; i++)
                    {
                        double v = x[i * p + j];
                        s += v; sq += v * v; xy += v * (y[i] - yMean);
                    }
                    Close.One(xy, xty[j], 1e-11, 1e-9, $"Xᵀy[{j}] center={center}");
                    if (!center) continue;
                    Close.One(s, sum[j], 1e-11, 1e-9, $"Σx[{j}]");
                    Close.One(sq, sumSq[j], 1e-12, 0, $"Σx²[{j}]");
                }
            }
        }
        finally { Gemm.MaxThreads = saved; }
    }
}
