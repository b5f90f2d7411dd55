using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Overfit.LinearModels.Internal;

/// <summary>Outcome of one coordinate-descent solve: duality gap and the tolerance it was held to (both unscaled by n).</summary>
internal readonly record struct CdOutcome(double Gap, double Tolerance, int Iterations, bool Converged);

/// <summary>
/// Cyclic coordinate descent for ½||y − Xw||² + l1·||w||₁ + ½·l2·||w||² (scikit-learn's objective times n), with the
/// same update order, stopping test (largest weight change below tol, then duality gap below tol·||y||²) and gap
/// formula as scikit-learn's cd_fast, so the iterates agree with it to rounding. With a generator, each sweep instead
/// updates p coordinates drawn uniformly with replacement (cd_fast's selection='random'); the optimum is the same.
/// </summary>
internal static partial class CoordinateDescent
{
    /// <summary>
    /// Data form for wide problems (p &gt; n): X stored by columns (column j at xCols[j·n..]), residual kept current.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // numeric kernel called once per fit: skip tier-0 code
    public static CdOutcome SolveColumns(Span<double> w, ReadOnlySpan<double> xCols, ReadOnlySpan<double> y, int n, int p,
        double l1, double l2, int maxIter, double tol, bool positive, Overfit.Tensors.Generator? random = null)
    {
        var normCols = new double[p];
        for (int j = 0; j < p; j++) normCols[j] = TensorPrimitives.Dot(xCols.Slice(j * n, n), xCols.Slice(j * n, n));
        var r = y.ToArray();
        for (int j = 0; j < p; j++)
            if (w[j] != 0) TensorPrimitives.MultiplyAdd(xCols.Slice(j * n, n), -w[j], r, r);
        var xta = new double[p];
        double dwTol = tol;
        double yNorm2 = TensorPrimitives.Dot(y, y);
        tol *= yNorm2;
        double gap = tol + 1;
        int iter;
        bool converged = false;
        for (iter = 0; iter < maxIter; iter++)
        {
            double wMax = 0, dwMax = 0;
            for (int f = 0; f < p; f++)
            {
                int j = random is null ? f : random.NextInt(p);
                if (normCols[j] == 0) continue;
                var col = xCols.Slice(j * n, n);
                double wj = w[j];
                if (wj != 0) TensorPrimitives.MultiplyAdd(col, wj, r, r);
                double tmp = TensorPrimitives.Dot(col, r);
                double nw = positive && tmp < 0 ? 0 : Math.CopySign(Math.Max(Math.Abs(tmp) - l1, 0), tmp) / (normCols[j] + l2);
                w[j] = nw;
                if (nw != 0) TensorPrimitives.MultiplyAdd(col, -nw, r, r);
                dwMax = Math.Max(dwMax, Math.Abs(nw - wj));
                wMax = Math.Max(wMax, Math.Abs(nw));
            }
            if (wMax == 0 || dwMax / wMax < dwTol || iter == maxIter - 1)
            {
                for (int j = 0; j < p; j++) xta[j] = TensorPrimitives.Dot(xCols.Slice(j * n, n), r) - l2 * w[j];
                double dual = positive ? TensorPrimitives.Max(xta) : Math.Abs(TensorPrimitives.MaxMagnitude(xta));
                double rNorm2 = TensorPrimitives.Dot(r, r);
                double wNorm2 = TensorPrimitives.Dot(w, w);
                double scale;
                if (dual > l1) { scale = l1 / dual; gap = 0.5 * (rNorm2 + rNorm2 * scale * scale); }
                else { scale = 1; gap = rNorm2; }
                gap += l1 * TensorPrimitives.SumOfMagnitudes(w) - scale * TensorPrimitives.Dot(r, y) + 0.5 * l2 * (1 + scale * scale) * wNorm2;
                if (gap < tol) { converged = true; break; }
            }
        }
        return new CdOutcome(gap, tol, Math.Min(iter + 1, maxIter), converged);
    }

    /// <summary>Column-major copy of a row-major matrix (optionally centered): the layout the data form of CD reads.</summary>
    public static double[] ToColumns(ReadOnlySpan<double> x, int n, int p, ReadOnlySpan<double> mean)
    {
        var cols = new double[n * p];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++) cols[j * n + i] = x[i * p + j] - (mean.IsEmpty ? 0 : mean[j]);
        return cols;
    }
}
