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
/// R² on k unshuffled folds (GridSearchCV) and BestScore is the mean fold R². A <c>scoring</c> or <c>scorer</c>
/// replaces the default score (leave-one-out: of the LOO predictions against y, as scikit-learn's _RidgeGCV does);
/// sample weights rescale the loss (leave-one-out errors are then those of the √w-rescaled problem, as in scikit-learn);
/// a y of shape [n, t] shares one α across targets, chosen on the errors of all targets.
/// </summary>
public sealed partial class RidgeCV : LinearModel
{
    /// <summary>Ridge with α chosen by leave-one-out or k-fold cross-validation (like sklearn.linear_model.RidgeCV).</summary>
    /// <param name="alphas">Candidate penalties, all &gt; 0 (default [0.1, 1, 10]).</param>
    /// <param name="fitIntercept">Fit an unpenalized intercept.</param>
    /// <param name="cv">Number of folds (≥ 2), or null for efficient leave-one-out.</param>
    /// <param name="looMode">How leave-one-out errors are computed.</param>
    /// <param name="scoring">A named score instead of the default.</param>
    /// <param name="scorer">A score function instead of the default.</param>
    /// <param name="storeCvValues">Keep <see cref="CvValues"/> (leave-one-out only).</param>
    /// <exception cref="ArgumentException">Both scoring and scorer, storeCvValues with cv, or empty alphas.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An alpha is not positive or cv &lt; 2.</exception>
    public RidgeCV(double[]? alphas = null, bool fitIntercept = true, int? cv = null, RidgeLooMode looMode = RidgeLooMode.Auto,
        Scoring? scoring = null, Func<double[], double[], double>? scorer = null, bool storeCvValues = false)
        : base(fitIntercept)
    {
        if (scoring is not null && scorer is not null)
            throw new ArgumentException("give either scoring or scorer, not both", nameof(scorer));
        if (storeCvValues && cv is not null)
            throw new ArgumentException($"storeCvValues needs leave-one-out (cv = null), got cv = {cv}, as in scikit-learn", nameof(storeCvValues));
        Scoring = scoring; Scorer = scorer; StoreCvValues = storeCvValues;
        CandidateAlphas = alphas is null ? [0.1, 1.0, 10.0] : (double[])alphas.Clone();
        if (CandidateAlphas.Length == 0) throw new ArgumentException("alphas must hold at least one value, got none", nameof(alphas));
        for (int i = 0; i < CandidateAlphas.Length; i++) DenseInput.Positive(CandidateAlphas[i], $"alphas[{i}]");
        if (cv is int k) DenseInput.AtLeast(k, 2, nameof(cv));
        Cv = cv; LooMode = looMode;
    }

    /// <summary>The candidate penalties, in the given order.</summary>
    public double[] CandidateAlphas { get; }

    /// <summary>A named score (greater is better) instead of the default; null for the default.</summary>
    public Scoring? Scoring { get; }

    /// <summary>A score function (yTrue, yPred) → value, greater is better, instead of the default; null for the default.</summary>
    public Func<double[], double[], double>? Scorer { get; }

    /// <summary>Keep <see cref="CvValues"/> (leave-one-out only).</summary>
    public bool StoreCvValues { get; }

    /// <summary>
    /// scikit-learn's cv_values_ [n, t, alphas] flattened to [n·t, alphas] (sample i of target j at row i·t + j): squared leave-one-out errors with the
    /// default score, leave-one-out predictions (of centered y) with a scoring; null unless <see cref="StoreCvValues"/>.
    /// </summary>
    public double[,]? CvValues { get; private set; }

    /// <summary>Mean squared leave-one-out error of every candidate alpha (null after a k-fold fit).</summary>
    public double[]? LooMeanSquaredErrors { get; private set; }
    /// <summary>Number of folds, or null for leave-one-out.</summary>
    public int? Cv { get; }
    /// <summary>How leave-one-out errors are computed.</summary>
    public RidgeLooMode LooMode { get; }

    /// <summary>The chosen penalty (after Fit).</summary>
    public double Alpha { get; private set; }
    /// <summary>Score of the chosen alpha (−MSE for leave-one-out, mean R² for k-fold).</summary>
    public double BestScore { get; private set; }
    /// <summary>Score of every candidate alpha, in the given order.</summary>
    public double[] AlphaScores { get; private set; } = [];

    /// <summary>Fits y (n) with optional per-sample weights.</summary>
    public RidgeCV Fit(double[,] x, double[] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits every column of y (n×t) with one shared α: coefficients [t, p] in <see cref="LinearModel.CoefficientMatrix"/>.</summary>
    public RidgeCV Fit(double[,] x, double[,] y, double[]? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }
    /// <summary>Fits y of shape [n] or [n, t], with optional sample weights [n].</summary>
    public RidgeCV Fit(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y, Overfit.Tensors.Tensor? sampleWeight = null) { FitMatrix(x, y, sampleWeight); return this; }

    // k-fold splits the raw samples first, then fits weighted Ridge models on each training part.
    private protected override bool FitsSampleWeightsItself => Cv is not null;

    private protected override void FitCore(MatrixView x, double[] y)
    {
        CvValues = null;
        LooMeanSquaredErrors = null;
        if (Cv is int k) { FitKFold(x, [y], k, FitWeights); return; }
        if (Scoring is not null || Scorer is not null || StoreCvValues || FitWeights is not null)
        {
            // A weighted fit arrives centered on the weighted means and rescaled by √w (the base class sets the intercept).
            if (FitWeights is { } fw) { Coefficients = FitLooGeneral(x, [y], fw)[0]; return; }
            var ones = Ones(x.Rows);
            var (xs, xMean) = SampleWeighting.RescaleX(x, ones, FitIntercept);
            var (ys, yMean) = SampleWeighting.RescaleY(y, ones, FitIntercept);
            Coefficients = FitLooGeneral(xs, [ys], ones)[0];
            Intercept = FitIntercept ? yMean - TensorPrimitives.Dot(xMean, Coefficients) : 0;
            return;
        }
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

}
