namespace Overfit.LinearModels;

/// <summary>An estimator that learns y from X (scikit-learn's regressor contract): Fit stores learned state, Predict uses it.</summary>
public interface IRegressor
{
    /// <summary>Learns from x (n×p) and y (n values); returns the fitted estimator.</summary>
    IRegressor Fit(double[,] x, double[] y);
    /// <summary>Predictions for x (m×p), one per row.</summary>
    double[] Predict(double[,] x);
    /// <summary>A new, unfitted estimator with the same settings (what cross-validation fits on each fold).</summary>
    IRegressor CloneUnfitted();
}

/// <summary>A feature transformation learned from X alone (e.g. <see cref="PolynomialFeatures"/>).</summary>
public interface ITransformer
{
    /// <summary>Learns the transformation from x (n×p); returns the fitted transformer.</summary>
    ITransformer Fit(double[,] x);
    /// <summary>Applies the learned transformation to x (m×p).</summary>
    double[,] Transform(double[,] x);
    /// <summary>A new, unfitted transformer with the same settings.</summary>
    ITransformer CloneUnfitted();
}

/// <summary>Coefficient of determination R² = 1 − SS_res/SS_tot (scikit-learn's regressor score).</summary>
public static class RegressionScore
{
    /// <summary>R² of <paramref name="yPred"/> against <paramref name="yTrue"/> (sklearn.metrics.r2_score); 1 for a perfect fit, 0 (or 1) for a constant target.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
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

    /// <summary>Mean of the squared differences (sklearn.metrics.mean_squared_error).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double MeanSquaredError(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred)
    {
        if (yTrue.Length != yPred.Length)
            throw new ArgumentException($"yTrue and yPred must have the same length, got {yTrue.Length} and {yPred.Length}", nameof(yPred));
        double s = 0;
        for (int i = 0; i < yTrue.Length; i++) s += (yTrue[i] - yPred[i]) * (yTrue[i] - yPred[i]);
        return s / yTrue.Length;
    }
}
