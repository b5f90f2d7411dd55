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

    public IBatchDataset Dataset { get; }

    public int BatchSize { get; }

    public bool Shuffle { get; }

    public bool DropLast { get; }

    public ulong Seed { get; }

    public ITransform? Transform { get; }

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
