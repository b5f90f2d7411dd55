using System.Numerics.Tensors;
using Overfit.Tensors.Kernels;

namespace Overfit.LinearModels.Internal;

/// <summary>
/// Gram statistics of every training split of an unshuffled k-fold partition from ONE pass over X: each fold's
/// block contributes its own XᵀX, and a training split's Gram is the total minus the held-out block, centered with
/// the split's means. When a column's mean is large against its spread, X is shifted by its global means first (a
/// centered copy) so that this subtraction keeps full precision; otherwise X is read in place, unshifted.
/// </summary>
internal sealed class FoldGrams
{
    private readonly int _n, _p;
    private readonly MatrixView _x;
    private readonly double[]? _xShiftedCopy; // X − _xMean, row-major, when the shift is needed for precision
    private readonly double[] _ys;            // y − global mean
    private readonly double[] _xMean;         // the shift applied to X: its global means, or zeros when X is used as is
    private readonly double _yMean;
    private readonly (int Start, int End)[] _folds;
    private readonly double[][] _gram, _colSum, _xty;
    private readonly double[] _ySum, _yy;
    private readonly double[] _totalGram, _totalColSum, _totalXty;
    private readonly double _totalYSum, _totalYy;

    public FoldGrams(MatrixView xv, ReadOnlySpan<double> y, (int Start, int End)[] folds)
    {
        int n = xv.Rows, p = xv.Cols;
        var x = xv.Span;
        _n = n; _p = p; _folds = folds; _x = xv;
        var mean = new double[p];
        var sumSq = new double[p];
        for (int i = 0; i < n; i++)
        {
            var row = x.Slice(i * p, p);
            TensorPrimitives.Add(row, mean, mean);
            TensorPrimitives.MultiplyAdd(row, row, sumSq, sumSq);
        }
        TensorPrimitives.Multiply(mean, 1.0 / n, mean);
        _yMean = TensorPrimitives.Sum(y) / n;
        if (CenteredGram.NeedsCenteredCopy(mean, sumSq, n))
        {
            _xMean = mean;
            _xShiftedCopy = CenteredGram.CenteredCopy(x, n, p, mean);
        }
        else _xMean = new double[p];
        _ys = new double[n];
        TensorPrimitives.Subtract(y, _yMean, _ys);

        int k = folds.Length;
        _gram = new double[k][]; _colSum = new double[k][]; _xty = new double[k][];
        _ySum = new double[k]; _yy = new double[k];
        _totalGram = new double[p * p]; _totalColSum = new double[p]; _totalXty = new double[p];
        for (int f = 0; f < k; f++)
        {
            var (s, e) = folds[f];
            int rows = e - s;
            var block = Xs.Slice(s * p, rows * p);
            var yb = _ys.AsSpan(s, rows);
            var g = new double[p * p];
            CenteredGram.RawGram(block, rows, p, g);
            CenteredGram.MirrorUpper(g, p);
            var cs = new double[p];
            var xty = new double[p];
            for (int i = 0; i < rows; i++)
            {
                TensorPrimitives.Add(block.Slice(i * p, p), cs, cs);
                TensorPrimitives.MultiplyAdd(block.Slice(i * p, p), yb[i], xty, xty);
            }
            _gram[f] = g; _colSum[f] = cs; _xty[f] = xty;
            _ySum[f] = TensorPrimitives.Sum(yb); _yy[f] = TensorPrimitives.Dot(yb, yb);
            TensorPrimitives.Add(_totalGram, g, _totalGram);
            TensorPrimitives.Add(_totalColSum, cs, _totalColSum);
            TensorPrimitives.Add(_totalXty, xty, _totalXty);
            _totalYSum += _ySum[f]; _totalYy += _yy[f];
        }
    }

    public int Folds => _folds.Length;

    /// <summary>X as the statistics see it: shifted by <see cref="_xMean"/>.</summary>
    private ReadOnlySpan<double> Xs => _xShiftedCopy is { } copy ? copy : _x.Span;

    /// <summary>Centered statistics of all rows (fold = -1) or of all rows except fold f.</summary>
    public CenteredGram Training(int fold, bool center)
    {
        int p = _p;
        var g = (double[])_totalGram.Clone();
        var cs = (double[])_totalColSum.Clone();
        var xty = (double[])_totalXty.Clone();
        double ySum = _totalYSum, yy = _totalYy;
        int n = _n;
        if (fold >= 0)
        {
            TensorPrimitives.Subtract(g, _gram[fold], g);
            TensorPrimitives.Subtract(cs, _colSum[fold], cs);
            TensorPrimitives.Subtract(xty, _xty[fold], xty);
            ySum -= _ySum[fold]; yy -= _yy[fold];
            n -= _folds[fold].End - _folds[fold].Start;
        }
        var mu = new double[p];
        double yMu = 0;
        if (center)
        {
            TensorPrimitives.Multiply(cs, 1.0 / n, mu);
            yMu = ySum / n;
            for (int i = 0; i < p; i++) TensorPrimitives.MultiplyAdd(mu, -n * mu[i], g.AsSpan(i * p, p), g.AsSpan(i * p, p));
            TensorPrimitives.MultiplyAdd(mu, -n * yMu, xty, xty);
            yy -= n * yMu * yMu;
        }
        else
        {
            // Undo the global shift: statistics of the raw data.
            var muG = _xMean;
            for (int i = 0; i < p; i++)
            {
                var row = g.AsSpan(i * p, p);
                TensorPrimitives.MultiplyAdd(cs, muG[i], row, row);
                TensorPrimitives.MultiplyAdd(muG, cs[i] + n * muG[i], row, row);
            }
            TensorPrimitives.MultiplyAdd(cs, _yMean, xty, xty);
            TensorPrimitives.MultiplyAdd(muG, ySum + n * _yMean, xty, xty);
            yy += 2 * _yMean * ySum + n * _yMean * _yMean;
        }
        var xMean = new double[p];
        if (center) TensorPrimitives.Add(mu, _xMean, xMean);
        return new CenteredGram { Samples = n, Features = p, XMean = xMean, YMean = center ? yMu + _yMean : 0, Gram = g, Xty = xty, YNorm2 = yy };
    }

    /// <summary>
    /// Mean squared test error of fold f for every coefficient vector (rows of <paramref name="coefs"/>), each with the
    /// intercept its centered training fit implies.
    /// </summary>
    public double[] TestMse(int fold, double[][] coefs, CenteredGram train, bool center)
    {
        var (s, e) = _folds[fold];
        int rows = e - s, p = _p, m = coefs.Length;
        var w = new double[p * m];   // coefficient vectors as columns
        for (int a = 0; a < m; a++)
            for (int j = 0; j < p; j++) w[j * m + a] = coefs[a][j];
        var pred = new double[rows * m];
        Gemm.Multiply(false, false, rows, m, p, 1.0, Xs.Slice(s * p, rows * p), p, w, m, 0.0, pred, m);
        var mse = new double[m];
        for (int a = 0; a < m; a++)
        {
            // Prediction in shifted coordinates: xs·w + b − ȳ_g with b = ȳ_train − x̄_train·w (or b = 0 without intercept).
            double offset = center
                ? train.YMean - _yMean - TensorPrimitives.Dot(train.XMean, coefs[a]) + TensorPrimitives.Dot(_xMean, coefs[a])
                : TensorPrimitives.Dot(_xMean, coefs[a]) - _yMean;
            double sum = 0;
            for (int i = 0; i < rows; i++)
            {
                double r = pred[i * m + a] + offset - _ys[s + i];
                sum += r * r;
            }
            mse[a] = sum / rows;
        }
        return mse;
    }
}
