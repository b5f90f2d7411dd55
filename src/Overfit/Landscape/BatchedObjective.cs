using Overfit.Data;
using Overfit.NN;
using Overfit.Tensors;

namespace Overfit.Landscape;

/// <summary>
/// A model, a loss of its output on a batch, and the batches it is averaged over (each batch weighted by its share of
/// the samples): what the Hessian tools and the surfaces differentiate and evaluate.
/// </summary>
internal sealed class BatchedObjective
{
    public BatchedObjective(Module model, Func<Tensor, Batch, Tensor> loss, IEnumerable<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(batches);
        Model = model;
        Loss = loss;
        Batches = batches.ToArray();
        if (Batches.Length == 0) throw new ArgumentException("batches must hold at least one batch, got none", nameof(batches));
        Total = Batches.Sum(b => b.Count);
    }

    public Module Model { get; }

    public Func<Tensor, Batch, Tensor> Loss { get; }

    public Batch[] Batches { get; }

    /// <summary>Samples over all batches.</summary>
    public int Total { get; }

    /// <summary>A batch's weight in the average.</summary>
    public double Share(Batch b) => (double)b.Count / Total;

    /// <summary>The loss of <paramref name="output"/> on <paramref name="batch"/> (recorded when grad mode is on).</summary>
    public Tensor LossOf(Batch batch, Tensor? output = null) => Loss(output ?? Model.Forward(batch.Inputs), batch);
}
