using System.Numerics.Tensors;
using Overfit.LinearModels.Internal;
using Overfit.LinearModels.ModelSelection;
using Overfit.Tensors.Kernels;

namespace Overfit.LinearModels;

public sealed partial class RidgeCV
{
    /// <summary>One α for all targets: chosen on the leave-one-out (or fold) scores of every target together, as scikit-learn does.</summary>
    private protected override void FitTargetsCore(MatrixView x, double[][] targets, double[]? sampleWeight)
    {
        DenseInput.CheckFinite(x.Span, x.Cols, "x");
        CvValues = null;
        LooMeanSquaredErrors = null;
        var w = sampleWeight is null ? null : SampleWeighting.Check(sampleWeight, x.Rows);
        double[][] coefficients;
        var intercepts = new double[targets.Length];
        if (Cv is int k)
        {
            (coefficients, intercepts) = FitKFold(x, targets, k, w);
        }
        else
        {
            var weights = w ?? Ones(x.Rows);
            var (xs, xMean) = SampleWeighting.RescaleX(x, weights, FitIntercept);
            var ys = new double[targets.Length][];
            var yMeans = new double[targets.Length];
            for (int t = 0; t < targets.Length; t++) (ys[t], yMeans[t]) = SampleWeighting.RescaleY(targets[t], weights, FitIntercept);
            coefficients = FitLooGeneral(xs, ys, weights);
            for (int t = 0; t < targets.Length; t++) intercepts[t] = FitIntercept ? yMeans[t] - TensorPrimitives.Dot(xMean, coefficients[t]) : 0;
        }
        SetTargets(coefficients, intercepts);
    }

    private static double[] Ones(int n)
    {
        var w = new double[n];
        Array.Fill(w, 1.0);
        return w;
    }

    /// <summary>
    /// Leave-one-out for data already centered (weighted) and rescaled by √w, from one thin SVD shared by all targets:
    /// the hat diagonal is hᵢ = wᵢ/Σw (the intercept, when fitted) + Σⱼ s²ⱼ/(s²ⱼ + α)·U²ᵢⱼ, the LOO residual
    /// eᵢ = (yᵢ − ŷᵢ)/(1 − hᵢ). Returns each target's coefficients at the chosen α.
    /// </summary>
    private double[][] FitLooGeneral(MatrixView xs, double[][] ys, double[] w)
    {
        int n = xs.Rows, m = CandidateAlphas.Length, targets = ys.Length;
        var svd = ThinSvd.Compute(xs.Span, n, xs.Cols);
        var uty = new double[targets][];
        for (int t = 0; t < targets; t++) uty[t] = svd.UTransposeTimes(ys[t]);
        var uSq = new double[svd.K * n];
        TensorPrimitives.Multiply(svd.URows, svd.URows, uSq);
        double wSum = TensorPrimitives.Sum(w);
        var h0 = new double[n];
        if (FitIntercept) TensorPrimitives.Multiply(w, 1 / wSum, h0);

        var scores = new double[m];
        var mse = new double[m];
        var cvValues = StoreCvValues ? new double[n * targets, m] : null;
        var hat = new double[n];
        var yHat = new double[n];
        var truth = new double[n * targets];
        var predictions = new double[n * targets];
        for (int t = 0; t < targets; t++)
            for (int i = 0; i < n; i++) truth[i * targets + t] = ys[t][i];
        for (int a = 0; a < m; a++)
        {
            h0.CopyTo(hat, 0);
            for (int j = 0; j < svd.K; j++)
            {
                if (svd.S[j] <= 1e-15) continue;
                double s2 = svd.S[j] * svd.S[j];
                TensorPrimitives.MultiplyAdd(uSq.AsSpan(j * n, n), s2 / (s2 + CandidateAlphas[a]), hat, hat);
            }
            double squared = 0;
            for (int t = 0; t < targets; t++)
            {
                Array.Clear(yHat);
                for (int j = 0; j < svd.K; j++)
                {
                    if (svd.S[j] <= 1e-15) continue;
                    double s2 = svd.S[j] * svd.S[j];
                    TensorPrimitives.MultiplyAdd(svd.URows.AsSpan(j * n, n), s2 / (s2 + CandidateAlphas[a]) * uty[t][j], yHat, yHat);
                }
                for (int i = 0; i < n; i++)
                {
                    double e = (ys[t][i] - yHat[i]) / (1 - hat[i]);
                    squared += e * e;
                    predictions[i * targets + t] = ys[t][i] - e;
                    if (cvValues is not null) cvValues[i * targets + t, a] = Scoring is null && Scorer is null ? e * e : ys[t][i] - e;
                }
            }
            mse[a] = squared / (n * targets);
            scores[a] = Score(truth, predictions, -mse[a]);
        }
        Choose(scores);
        LooMeanSquaredErrors = mse;
        CvValues = cvValues;
        var coefficients = new double[targets][];
        for (int t = 0; t < targets; t++) coefficients[t] = Ridge.SolveFromSvd(svd, uty[t], Alpha);
        return coefficients;
    }

    /// <summary>The user's score of predictions against the truth, or <paramref name="byDefault"/> when none was given.</summary>
    private double Score(double[] truth, double[] predictions, double byDefault) => Scorer is { } f ? f(truth, predictions)
        : Scoring switch
        {
            ModelSelection.Scoring.R2 => RegressionScore.R2(truth, predictions),
            ModelSelection.Scoring.NegMeanSquaredError => -RegressionScore.MeanSquaredError(truth, predictions),
            _ => byDefault,
        };

    /// <summary>
    /// GridSearchCV over unshuffled folds: weighted Ridge fits on each training part (weights reach the fit only, as in
    /// scikit-learn), scored on the held-out part by R² averaged over targets, or by the given scoring on all targets.
    /// </summary>
    private (double[][] Coefficients, double[] Intercepts) FitKFold(MatrixView x, double[][] targets, int k, double[]? w)
    {
        var splits = new KFold(k).Split(x.Rows).ToArray();
        var scores = new double[CandidateAlphas.Length];
        for (int a = 0; a < CandidateAlphas.Length; a++)
        {
            double sum = 0;
            foreach (var (train, test) in splits)
            {
                var xTrain = CrossValidation.Rows(x, train);
                var xTest = CrossValidation.Rows(x, test);
                var truth = new double[test.Length * targets.Length];
                var predictions = new double[test.Length * targets.Length];
                double r2 = 0;
                for (int t = 0; t < targets.Length; t++)
                {
                    var model = new Ridge(CandidateAlphas[a], FitIntercept).Fit(xTrain, CrossValidation.Pick(targets[t], train), w is null ? null : CrossValidation.Pick(w, train));
                    var yTest = CrossValidation.Pick(targets[t], test);
                    var pred = model.Predict(xTest);
                    r2 += RegressionScore.R2(yTest, pred);
                    for (int i = 0; i < test.Length; i++) { truth[i * targets.Length + t] = yTest[i]; predictions[i * targets.Length + t] = pred[i]; }
                }
                sum += Score(truth, predictions, r2 / targets.Length);
            }
            scores[a] = sum / splits.Length;
        }
        Choose(scores);
        var full = DenseInput.ToArray2D(x.Span, x.Rows, x.Cols);
        var coefficients = new double[targets.Length][];
        var intercepts = new double[targets.Length];
        for (int t = 0; t < targets.Length; t++)
        {
            var final = new Ridge(Alpha, FitIntercept).Fit(full, targets[t], w);
            (coefficients[t], intercepts[t]) = (final.Coefficients, final.Intercept);
        }
        if (targets.Length == 1) (Coefficients, Intercept) = (coefficients[0], intercepts[0]);
        return (coefficients, intercepts);
    }
}
