namespace Overfit.BayesianOptimization;

public sealed partial class SingleTaskGP
{
    /// <summary>
    /// The model conditioned on further observations without refitting (BoTorch's
    /// <c>condition_on_observations</c>): the training set grows by <paramref name="x"/> and <paramref name="y"/>, while the
    /// hyperparameters, the input normalization and the outcome standardization stay those of this model, so the new
    /// points are weighed exactly as the fitted kernel and noise say. Conditioning on the posterior mean at pending points
    /// (the "kriging believer") leaves the mean unchanged and shrinks the variance around them.
    /// </summary>
    /// <param name="x">m×d new inputs, row-major, in the same raw units as the training inputs</param>
    /// <param name="y">m new outcomes in raw units</param>
    /// <returns>a new model over n + m points; this one is unchanged</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> or <paramref name="y"/> is null.</exception>
    /// <exception cref="ArgumentException">the lengths disagree with d or each other, or a value is not finite.</exception>
    /// <exception cref="NotSupportedException">the model has per-point observation variances (<see cref="SingleTaskGPOptions.TrainYVariance"/>), which new points would lack.</exception>
    public SingleTaskGP ConditionOnObservations(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int d = Dimension, m = y.Length;
        if (x.Length != (long)m * d) throw new ArgumentException($"x: expected {m}×{d} = {(long)m * d} coordinates for {m} outcomes, got {x.Length}", nameof(x));
        foreach (var v in x) if (!double.IsFinite(v)) throw new ArgumentException($"x: expected finite coordinates, got {v}", nameof(x));
        foreach (var v in y) if (!double.IsFinite(v)) throw new ArgumentException($"y: expected finite outcomes, got {v}", nameof(y));
        if (Options.TrainYVariance is not null)
            throw new NotSupportedException("ConditionOnObservations: the model has per-point observation variances (TrainYVariance); the new points have none");
        int n = Count;
        var allX = new double[checked((long)(n + m) * d)];
        var allY = new double[n + m];
        // The stored training set is normalized; map it back to raw units so the new model's frame applies to all rows.
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < d; k++) allX[i * d + k] = _inputLow[k] + _xNorm[i * d + k] * _inputRange[k];
            allY[i] = OutcomeMean + OutcomeScale * _yStd[i];
        }
        Array.Copy(x, 0, allX, n * d, m * d);
        Array.Copy(y, 0, allY, n, m);
        var model = new SingleTaskGP(allX, n + m, d, allY, Options, frame: this);
        model.SetHyperparameters(RawHyperparameters);
        return model;
    }
}
