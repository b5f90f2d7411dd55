namespace Overfit.LinearModels;

/// <summary>An estimator that learns y from X (scikit-learn's regressor contract): Fit stores learned state, Predict uses it.</summary>
public interface IRegressor
{
    IRegressor Fit(double[,] x, double[] y);
    double[] Predict(double[,] x);
    /// <summary>A new, unfitted estimator with the same settings (what cross-validation fits on each fold).</summary>
    IRegressor CloneUnfitted();
}

/// <summary>A feature transformation learned from X alone (e.g. <see cref="PolynomialFeatures"/>).</summary>
public interface ITransformer
{
    ITransformer Fit(double[,] x);
    double[,] Transform(double[,] x);
    ITransformer CloneUnfitted();
}

/// <summary>Coefficient of determination R² = 1 − SS_res/SS_tot (scikit-learn's regressor score).</summary>
public static class RegressionScore
{
    public static double R2(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        if (yTrue.Length != yPred.Length)
            throw new ArgumentException($"yTrue and yPred must have the same length, got {yTrue.Length} and {yPred.Length}", nameof(yPred));
        double mean = 0;
        foreach (var v in yTrue) mean += v;
        mean /= yTrue.Length;
        double ssRes = 0, ssTot = 0;
        for (int i = 0; i < yTrue.Length; i++)
        {
            ssRes += (yTrue[i] - yPred[i]) * (yTrue[i] - yPred[i]);
            ssTot += (yTrue[i] - mean) * (yTrue[i] - mean);
        }
        if (ssTot == 0) return ssRes == 0 ? 1.0 : 0.0;   // scikit-learn's convention for constant targets
        return 1 - ssRes / ssTot;
    }

    public static double MeanSquaredError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        if (yTrue.Length != yPred.Length)
            throw new ArgumentException($"yTrue and yPred must have the same length, got {yTrue.Length} and {yPred.Length}", nameof(yPred));
        double s = 0;
        for (int i = 0; i < yTrue.Length; i++) s += (yTrue[i] - yPred[i]) * (yTrue[i] - yPred[i]);
        return s / yTrue.Length;
    }
}
