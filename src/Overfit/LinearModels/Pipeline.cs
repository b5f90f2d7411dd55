using Overfit.LinearModels.Internal;

namespace Overfit.LinearModels;

/// <summary>
/// Transformers followed by a final regressor (scikit-learn's make_pipeline): Fit fits each transformer on the
/// output of the previous one and the regressor on the last output; Predict pushes new data through the same chain.
/// </summary>
public sealed class Pipeline : IRegressor
{
    /// <summary>Steps in order: zero or more <see cref="ITransformer"/>s, then one <see cref="IRegressor"/>.</summary>
    public Pipeline(params object[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Length == 0) throw new ArgumentException("a pipeline needs at least a final regressor, got no steps", nameof(steps));
        var transformers = new List<ITransformer>();
        for (int i = 0; i < steps.Length - 1; i++)
        {
            if (steps[i] is not ITransformer t)
                throw new ArgumentException($"steps[{i}] must be an ITransformer (every step but the last transforms X), got {steps[i]?.GetType().Name ?? "null"}", nameof(steps));
            transformers.Add(t);
        }
        if (steps[^1] is not IRegressor r)
            throw new ArgumentException($"the last step must be an IRegressor, got {steps[^1]?.GetType().Name ?? "null"}", nameof(steps));
        Transformers = transformers;
        Estimator = r;
    }

    /// <summary>The transformers, in order.</summary>
    public IReadOnlyList<ITransformer> Transformers { get; }
    /// <summary>The final regressor.</summary>
    public IRegressor Estimator { get; }

    /// <summary>Fits each transformer on the previous output, then the regressor (sklearn.pipeline.Pipeline.fit).</summary>
    public Pipeline Fit(double[,] x, double[] y)
    {
        var z = x;
        foreach (var t in Transformers) z = t.Fit(z).Transform(z);
        Estimator.Fit(z, y);
        return this;
    }

    /// <summary>Fits on tensors x [n, p] and y [n] (converted to Float64).</summary>
    public Pipeline Fit(Overfit.Tensors.Tensor x, Overfit.Tensors.Tensor y) => Fit(x.To(Overfit.Tensors.DType.Float64).ToMatrix(), DenseInput.Vector(y, nameof(y)));

    /// <summary>Pushes x through the fitted transformers and predicts with the regressor.</summary>
    public double[] Predict(double[,] x)
    {
        var z = x;
        foreach (var t in Transformers) z = t.Transform(z);
        return Estimator.Predict(z);
    }

    /// <summary>Predicts for x [m, p]; returns a Float64 tensor [m].</summary>
    public Overfit.Tensors.Tensor Predict(Overfit.Tensors.Tensor x)
    {
        var p = Predict(x.To(Overfit.Tensors.DType.Float64).ToMatrix());
        return Overfit.Tensors.Tensor.FromArray(p, [p.Length]);
    }

    /// <summary>R² of the predictions on (x, y), like scikit-learn's score.</summary>
    public double Score(double[,] x, double[] y) => RegressionScore.R2(y, Predict(x));

    IRegressor IRegressor.Fit(double[,] x, double[] y) => Fit(x, y);

    /// <inheritdoc/>
    public IRegressor CloneUnfitted()
    {
        var steps = Transformers.Select(t => (object)t.CloneUnfitted()).Append(Estimator.CloneUnfitted()).ToArray();
        return new Pipeline(steps);
    }
}
