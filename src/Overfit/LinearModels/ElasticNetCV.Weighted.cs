using System.Numerics.Tensors;
using Overfit.LinearModels.Internal;
using Overfit.LinearModels.ModelSelection;

namespace Overfit.LinearModels;

public partial class ElasticNetCV
{
    /// <summary>
    /// scikit-learn 1.2's weighted LinearModelCV: the alpha grid from the unweighted data; per fold, the training weights
    /// scaled to sum to the fold's size, weighted centering and √w rescaling, the whole path, then the held-out MSE
    /// averaged with the held-out weights; finally a weighted <see cref="ElasticNet"/> at the chosen (α, ρ) on all data.
    /// </summary>
    private void FitWeighted(MatrixView x, double[] y, double[] sampleWeight)
    {
        int n = x.Rows, p = x.Cols;
        var folds = KFold.ContiguousFolds(n, Cv);
        var xty = CenteredGram.Build(x.Span, n, p, y, FitIntercept).Xty;
        Alphas = new double[L1Ratios.Length][];
        MsePath = new double[L1Ratios.Length][][];
        double bestMse = double.PositiveInfinity;
        for (int r = 0; r < L1Ratios.Length; r++)
        {
            var grid = GivenAlphas is { } g ? (double[])g.Clone() : PenalizedProblem.AlphaGrid(xty, n, L1Ratios[r], NAlphas, Eps);
            Alphas[r] = grid;
            var mse = new double[grid.Length][];
            for (int a = 0; a < grid.Length; a++) mse[a] = new double[Cv];
            for (int f = 0; f < Cv; f++)
            {
                var (start, end) = folds[f];
                var train = Enumerable.Range(0, n).Where(i => i < start || i >= end).ToArray();
                var test = Enumerable.Range(start, end - start).ToArray();
                var wTrain = SampleWeighting.NormalizedToCount(CrossValidation.Pick(sampleWeight, train));
                var xTrain = new MatrixView(x.CopyRows(train), 0, train.Length, p);
                var (xs, xMean) = SampleWeighting.RescaleX(xTrain, wTrain, FitIntercept);
                var (ys, yMean) = SampleWeighting.RescaleY(CrossValidation.Pick(y, train), wTrain, FitIntercept);
                var path = ElasticNetPath.Run(PenalizedProblem.Build(xs, ys, center: false, precompute: null), grid, L1Ratios[r], MaxIter, Tol, Positive);
                var xTest = x.CopyRows(test);
                double wTest = 0;
                foreach (int i in test) wTest += sampleWeight[i];
                for (int a = 0; a < grid.Length; a++)
                {
                    var coef = path.Coefficients[a];
                    double intercept = yMean - TensorPrimitives.Dot(xMean, coef), sum = 0;
                    for (int k = 0; k < test.Length; k++)
                    {
                        double e = TensorPrimitives.Dot(xTest.AsSpan(k * p, p), coef) + intercept - y[test[k]];
                        sum += sampleWeight[test[k]] * e * e;
                    }
                    mse[a][f] = sum / wTest;
                }
            }
            MsePath[r] = mse;
            for (int a = 0; a < grid.Length; a++)
            {
                double mean = mse[a].Average();
                if (mean < bestMse) { bestMse = mean; Alpha = grid[a]; L1Ratio = L1Ratios[r]; }
            }
        }
        var final = new ElasticNet(Alpha, L1Ratio, FitIntercept, MaxIter, Tol, positive: Positive)
            .Fit(DenseInput.ToArray2D(x.Span, n, p), y, sampleWeight);
        Coefficients = final.Coefficients;
        Intercept = final.Intercept;
        DualGap = final.DualGap;
        Iterations = final.Iterations;
    }
}
