using Overfit.GaussianProcesses;
namespace Overfit.BayesianOptimization;

/// <summary>
/// An acquisition function to maximize (BoTorch semantics). It scores a batch of q candidate points given as a
/// row-major q×Dimension span; analytic acquisitions accept q = 1 only.
/// </summary>
public abstract class AcquisitionFunction
{
    /// <summary>Binds the acquisition to the model whose posterior it scores.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    protected AcquisitionFunction(IPosteriorModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
    }

    /// <summary>The model whose posterior is scored.</summary>
    public IPosteriorModel Model { get; }
    /// <summary>Number of input dimensions d of a candidate.</summary>
    public int Dimension => Model.Dimension;

    /// <summary>Largest q this acquisition accepts (1 for analytic ones).</summary>
    public virtual int MaxBatchSize => 1;

    /// <summary>Value at a q-batch and its gradient with respect to the batch (written into <paramref name="gradient"/>).</summary>
    public abstract double EvaluateWithGradient(ReadOnlySpan<double> x, int q, Span<double> gradient);

    /// <summary>Value at a q-batch.</summary>
    public virtual double Evaluate(ReadOnlySpan<double> x, int q = 1)
    {
        var scratch = new double[x.Length];
        return EvaluateWithGradient(x, q, scratch);
    }

    /// <summary>Values of <paramref name="count"/> q-batches stored one after another.</summary>
    public virtual void EvaluateMany(ReadOnlySpan<double> x, int count, int q, Span<double> values)
    {
        int size = q * Dimension;
        for (int i = 0; i < count; i++) values[i] = Evaluate(x.Slice(i * size, size), q);
    }

    /// <summary>The same acquisition with pending points (already chosen, not yet evaluated) taken into account.</summary>
    public virtual AcquisitionFunction WithPending(double[] pending)
        => throw new NotSupportedException($"{GetType().Name} does not take pending points; use a Monte Carlo acquisition for q > 1");

    /// <summary>Throws unless 1 ≤ q ≤ MaxBatchSize and <paramref name="x"/> holds q×Dimension values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">q is outside 1..MaxBatchSize.</exception>
    /// <exception cref="ArgumentException">x has the wrong length.</exception>
    protected void CheckBatch(ReadOnlySpan<double> x, int q)
    {
        if (q < 1 || q > MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(q), q, $"{GetType().Name} expects a batch size in 1..{MaxBatchSize}, got {q}");
        if (x.Length != q * Dimension)
            throw new ArgumentException($"expected {q}×{Dimension} = {q * Dimension} coordinates, got {x.Length}", nameof(x));
    }
}
