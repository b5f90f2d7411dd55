using Overfit.Tensors;

namespace Overfit.Data;

/// <summary>
/// Samples held in tensors whose first dimension indexes the sample (PyTorch's TensorDataset): inputs,
/// optional class labels, optional regression/binary targets.
/// </summary>
public sealed class TensorDataset : IBatchDataset
{
    /// <summary>Samples in tensors whose first dimension indexes the sample (like torch.utils.data.TensorDataset).</summary>
    /// <param name="inputs">Inputs [N, ...].</param>
    /// <param name="labels">Optional class indices, N values.</param>
    /// <param name="targets">Optional targets [N, ...].</param>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is null.</exception>
    /// <exception cref="ArgumentException">inputs is 0-d, or labels or targets do not have N rows.</exception>
    public TensorDataset(Tensor inputs, int[]? labels = null, Tensor? targets = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank == 0) throw new ArgumentException("inputs must have a sample dimension first; got a scalar", nameof(inputs));
        Inputs = inputs.Contiguous();
        Count = inputs.Size(0);
        if (labels is not null && labels.Length != Count)
            throw new ArgumentException($"labels must have one entry per sample: expected {Count}, got {labels.Length}", nameof(labels));
        if (targets is not null && (targets.Rank == 0 || targets.Size(0) != Count))
            throw new ArgumentException($"targets must have {Count} rows (one per sample), got shape [{string.Join(", ", targets.Shape)}]", nameof(targets));
        Labels = labels;
        Targets = targets?.Contiguous();
    }

    /// <summary>Inputs [N, ...], contiguous.</summary>
    public Tensor Inputs { get; }

    /// <summary>Class indices, or null.</summary>
    public int[]? Labels { get; }

    /// <summary>Targets [N, ...], or null.</summary>
    public Tensor? Targets { get; }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public int[] SampleShape => Inputs.Shape[1..];

    /// <inheritdoc/>
    public Batch GetBatch(ReadOnlySpan<int> indices)
    {
        Tensor inputs = GatherRows(Inputs, indices, Count);
        int[]? labels = null;
        if (Labels is not null)
        {
            labels = new int[indices.Length];
            for (int i = 0; i < indices.Length; i++) labels[i] = Labels[indices[i]];
        }
        Tensor? targets = Targets is null ? null : GatherRows(Targets, indices, Count);
        return new Batch(inputs, labels, targets);
    }

    /// <summary>Copies the rows at <paramref name="indices"/> of a contiguous tensor into one new tensor.</summary>
    internal static Tensor GatherRows(Tensor source, ReadOnlySpan<int> indices, int count)
    {
        int[] shape = source.Shape;
        int rowLength = count == 0 ? 0 : source.Numel / count;
        shape[0] = indices.Length;
        if (source.DType == DType.Float32)
            return Tensor.Wrap(CopyRows(source.Data<float>(), source.Offset, rowLength, indices, count), shape);
        return Tensor.Wrap(CopyRows(source.Data<double>(), source.Offset, rowLength, indices, count), shape);
    }

    private static T[] CopyRows<T>(T[] storage, int offset, int rowLength, ReadOnlySpan<int> indices, int count)
    {
        // Every row is copied over, so the array need not be zeroed first.
        var rows = GC.AllocateUninitializedArray<T>(indices.Length * rowLength);
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"sample index must be in [0, {count}), got {index} at position {i}");
            storage.AsSpan(offset + index * rowLength, rowLength).CopyTo(rows.AsSpan(i * rowLength, rowLength));
        }
        return rows;
    }
}
