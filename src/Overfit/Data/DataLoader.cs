using System.Collections;
using Overfit.Data.Transforms;
using Overfit.Tensors;

namespace Overfit.Data;

/// <summary>
/// Iterates a dataset in mini-batches (PyTorch's DataLoader): <c>batchSize</c> samples per
/// batch, optionally shuffled, optionally dropping the last incomplete batch, with an optional
/// transform applied to each batch's inputs and an optional flattening to [B, features] after it.
/// Shuffling draws a fresh permutation from the loader's own generator at the start of every epoch
/// (every enumeration), so epochs differ from one another while two loaders built with the same seed
/// give the same sequence of epochs.
/// </summary>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly Generator _generator;

    /// <summary>A loader over <paramref name="dataset"/> (like torch.utils.data.DataLoader).</summary>
    /// <param name="dataset">Samples to batch.</param>
    /// <param name="batchSize">Samples per batch, &gt; 0.</param>
    /// <param name="shuffle">Draw a fresh permutation every epoch.</param>
    /// <param name="dropLast">Skip the last incomplete batch.</param>
    /// <param name="seed">Seed of the shuffling generator.</param>
    /// <param name="transform">Applied to each batch's inputs.</param>
    /// <param name="flatten">Reshape inputs to [B, features] after the transform.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public DataLoader(IBatchDataset dataset, int batchSize, bool shuffle = false, bool dropLast = false, ulong seed = 0,
        ITransform? transform = null, bool flatten = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be positive, got {batchSize}");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Seed = seed;
        Transform = transform;
        Flatten = flatten;
        _generator = new Generator(seed);
    }

    /// <summary>The dataset being batched.</summary>
    public IBatchDataset Dataset { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether the last incomplete batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Seed of the shuffling generator.</summary>
    public ulong Seed { get; }

    /// <summary>Transform applied to each batch's inputs, or null.</summary>
    public ITransform? Transform { get; }

    /// <summary>Whether inputs are flattened to [B, features].</summary>
    public bool Flatten { get; }

    /// <summary>Batches per epoch (len(loader) in PyTorch).</summary>
    /// <remarks>The ceiling is taken in <c>long</c>: Count + BatchSize − 1 overflows an int for batch sizes near int.MaxValue.</remarks>
    public int BatchCount => DropLast ? Dataset.Count / BatchSize : (int)(((long)Dataset.Count + BatchSize - 1) / BatchSize);

    /// <summary>The sample order of the next epoch; draws from the loader's generator when shuffling.</summary>
    private int[] NextOrder()
    {
        if (Shuffle) return _generator.Permutation(Dataset.Count);
        var order = new int[Dataset.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        return order;
    }

    /// <summary>One epoch of batches; each enumeration is a new epoch (reshuffled when <see cref="Shuffle"/>).</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        int[] order = NextOrder();
        int batches = BatchCount;
        for (int b = 0; b < batches; b++)
        {
            int start = checked(b * BatchSize); // b < BatchCount, so start < Count
            int length = Math.Min(BatchSize, order.Length - start);
            Batch batch = Dataset.GetBatch(order.AsSpan(start, length));
            Tensor inputs = batch.Inputs;
            if (Transform is not null) inputs = Transform.Apply(inputs);
            if (Flatten && inputs.Rank != 2) inputs = inputs.Reshape([length, inputs.Numel / Math.Max(length, 1)]);
            yield return ReferenceEquals(inputs, batch.Inputs) ? batch : batch with { Inputs = inputs };
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
