using System.Buffers;
using System.Numerics.Tensors;
using Overfit.LinearModels.Internal;
using Overfit.LinearModels.ModelSelection;
using Overfit.Tensors.Kernels;

namespace Overfit.LinearModels;

/// <summary>How <see cref="RidgeCV"/> computes its efficient leave-one-out errors.</summary>
public enum RidgeLooMode
{
    /// <summary>Covariance eigen-route when n ≫ p and the problem is large, otherwise the SVD of X.</summary>
    Auto,
    /// <summary>Thin SVD of the centered X (most accurate).</summary>
    Svd,
    /// <summary>Eigendecomposition of XcᵀXc, then one n×p product: cost n·p² once, n·p per alpha.</summary>
    Covariance,
}

/// <summary>
/// Ridge with α chosen by cross-validation (scikit-learn's RidgeCV). Without cv, the exact leave-one-out error of every
/// α comes in closed form from one decomposition — e_i = (y_i − ŷ_i)/(1 − h_ii) with the hat matrix of the centered
/// ridge fit plus 1/n for the intercept — and BestScore is −(mean squared LOO error). With cv = k, each α is scored by
/// R² on k unshuffled folds (GridSearchCV) and BestScore is the mean fold R².
/// </summary>
public sealed class RidgeCV : LinearModel
{
    public RidgeCV(double[]? alphas = null, bool fitIntercept = true, int? cv = null, RidgeLooMode looMode = RidgeLooMode.Auto)
        : base(fitIntercept)
    {
        CandidateAlphas = alphas is null ? [0.1, 1.0, 10.0] : (double[])alphas.Clone();
        if (CandidateAlphas.Length == 0) throw new ArgumentException("alphas must hold at least one value, got none", nameof(alphas));
        for (int i = 0; i < CandidateAlphas.Length; i++) DenseInput.Positive(CandidateAlphas[i], $"alphas[{i}]");
        if (cv is int k) DenseInput.AtLeast(k, 2, nameof(cv));
        Cv = cv; LooMode = looMode;
    }

    public double[] CandidateAlphas { get; }
    public int? Cv { get; }
    public RidgeLooMode LooMode { get; }

    public double Alpha { get; private set; }
    /// <summary>Score of the chosen alpha (−MSE for leave-one-out, mean R² for k-fold).</summary>
    public double BestScore { get; private set; }
    /// <summary>Score of every candidate alpha, in the given order.</summary>
    public double[] AlphaScores { get; private set; } = [];

    public RidgeCV Fit(double[,] x, double[] y) { FitMatrix(x, y); return this; }
    public RidgeCV Fit(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y) { FitMatrix(x, y); return this; }

    private protected override void FitCore(MatrixView x, double[] y)
    {
        if (Cv is int k) { FitKFold(x, y, k); return; }
        int n = x.Rows, p = x.Cols;
        bool covariance = LooMode == RidgeLooMode.Covariance
            || (LooMode == RidgeLooMode.Auto && n > p && (double)n * p * p > 4e6);
        if (covariance) FitLooCovariance(x, y); else FitLooSvd(x, y);
    }

    private void Choose(double[] scores)
    {
        AlphaScores = scores;
        int best = 0;
        for (int a = 1; a < scores.Length; a++) if (scores[a] > scores[best]) best = a;
        Alpha = CandidateAlphas[best];
        BestScore = scores[best];
    }

    private void FitLooSvd(MatrixView x, double[] y)
    {
        int n = x.Rows;
        var (xc, yc, xMean, yMean) = Centering.Center(x, y, FitIntercept);
        var svd = ThinSvd.Compute(xc, n, x.Cols);
        var uty = svd.UTransposeTimes(yc);
        var scores = new double[CandidateAlphas.Length];
        var yHat = new double[n];
        var hat = new double[n];
        var uSq = new double[svd.K * n];
        TensorPrimitives.Multiply(svd.URows, svd.URows, uSq);
        for (int a = 0; a < CandidateAlphas.Length; a++)
        {
            Array.Clear(yHat);
            Array.Fill(hat, FitIntercept ? 1.0 / n : 0.0);
            for (int j = 0; j < svd.K; j++)
            {
                double s2 = svd.S[j] * svd.S[j];
                if (svd.S[j] <= 1e-15) continue;
                double d = s2 / (s2 + CandidateAlphas[a]);
                TensorPrimitives.MultiplyAdd(svd.URows.AsSpan(j * n, n), d * uty[j], yHat, yHat);
                TensorPrimitives.MultiplyAdd(uSq.AsSpan(j * n, n), d, hat, hat);
            }
            scores[a] = -LooMse(yc, yHat, hat);
        }
        Choose(scores);
        Coefficients = Ridge.SolveFromSvd(svd, uty, Alpha);
        Intercept = FitIntercept ? yMean - TensorPrimitives.Dot(xMean, Coefficients) : 0;
    }

    private void FitLooCovariance(MatrixView x, double[] y)
    {
        int n = x.Rows, p = x.Cols, m = CandidateAlphas.Length;
        var g = CenteredGram.Build(x.Span, n, p, y, FitIntercept);
        var (lambda, vRows) = DenseLinalg.SymmetricEigenRows(g.Gram, p);
        var v = new double[p * p];   // V with eigenvectors as columns: a plain (untransposed) GEMM operand
        for (int j = 0; j < p; j++)
            for (int i = 0; i < p; i++) v[i * p + j] = vRows[j * p + i];
        var shift = new double[p];
        for (int j = 0; j < p; j++) shift[j] = TensorPrimitives.Dot(vRows.AsSpan(j * p, p), g.XMean);
        var q = new double[p];
        for (int j = 0; j < p; j++) q[j] = TensorPrimitives.Dot(vRows.AsSpan(j * p, p), g.Xty);
        var fitW = new double[p * m];
        var hatW = new double[p * m];
        for (int j = 0; j < p; j++)
            for (int a = 0; a < m; a++)
            {
                double inv = 1.0 / (Math.Max(lambda[j], 0) + CandidateAlphas[a]);
                fitW[j * m + a] = q[j] * inv;
                hatW[j * m + a] = inv;
            }

        // The n×p and n×m work buffers are rented: fresh multi-megabyte arrays on every fit keep the large-object heap
        // collecting, which under load costs more than the fit itself. Every element used is written before it is read.
        var pool = ArrayPool<double>.Shared;
        double[] zBuffer = pool.Rent(n * p), yHatBuffer = pool.Rent(n * m), hatBuffer = pool.Rent(n * m);
        var scores = new double[m];
        try
        {
            // Z = Xc·V: projections of the centered samples on the eigenvectors.
            var z = zBuffer.AsSpan(0, n * p);
            Gemm.Multiply(false, false, n, p, p, 1.0, x.Span, p, v, p, 0.0, z, p);
            for (int i = 0; i < n; i++) TensorPrimitives.Subtract(z.Slice(i * p, p), shift, z.Slice(i * p, p));
            var yHat = yHatBuffer.AsSpan(0, n * m);
            var hat = hatBuffer.AsSpan(0, n * m);
            Gemm.Multiply(false, false, n, m, p, 1.0, z, p, fitW, m, 0.0, yHat, m);
            TensorPrimitives.Multiply(z, z, z);   // Z is not needed past this point: square it in place
            Gemm.Multiply(false, false, n, m, p, 1.0, z, p, hatW, m, 0.0, hat, m);
            double h0 = FitIntercept ? 1.0 / n : 0.0;
            for (int a = 0; a < m; a++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    double e = (y[i] - g.YMean - yHat[i * m + a]) / (1 - h0 - hat[i * m + a]);
                    sum += e * e;
                }
                scores[a] = -sum / n;
            }
        }
        finally
        {
            pool.Return(zBuffer);
            pool.Return(yHatBuffer);
            pool.Return(hatBuffer);
        }
        Choose(scores);
        var coords = new double[p];
        for (int j = 0; j < p; j++) coords[j] = q[j] / (Math.Max(lambda[j], 0) + Alpha);
        var w = new double[p];
        for (int j = 0; j < p; j++) TensorPrimitives.MultiplyAdd(vRows.AsSpan(j * p, p), coords[j], w, w);
        Coefficients = w;
        Intercept = FitIntercept ? g.InterceptFor(Coefficients) : 0;
    }

    private static double LooMse(double[] yc, double[] yHat, double[] hat)
    {
        double sum = 0;
        for (int i = 0; i < yc.Length; i++)
        {
            double e = (yc[i] - yHat[i]) / (1 - hat[i]);
            sum += e * e;
        }
        return sum / yc.Length;
    }

    private void FitKFold(MatrixView x, double[] y, int k)
    {
        var splits = new KFold(k).Split(x.Rows).ToArray();
        var scores = new double[CandidateAlphas.Length];
        for (int a = 0; a < CandidateAlphas.Length; a++)
        {
            double sum = 0;
            foreach (var (train, test) in splits)
            {
                var model = new Ridge(CandidateAlphas[a], FitIntercept).Fit(CrossValidation.Rows(x, train), CrossValidation.Pick(y, train));
                sum += RegressionScore.R2(CrossValidation.Pick(y, test), model.Predict(CrossValidation.Rows(x, test)));
            }
            scores[a] = sum / splits.Length;
        }
        Choose(scores);
        var final = new Ridge(Alpha, FitIntercept).Fit(DenseInput.ToArray2D(x.Span, x.Rows, x.Cols), y);
        Coefficients = final.Coefficients;
        Intercept = final.Intercept;
    }
}
