namespace Overfit.Data;

/// <summary>
/// A dataset that can gather any set of its samples into one <see cref="Batch"/>. Gathering a whole
/// batch at once (rather than sample by sample) is what keeps a <see cref="DataLoader"/> cheap: one
/// array per batch, rows copied with span copies.
/// </summary>
public interface IBatchDataset
{
    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Shape of one sample's input (e.g. [1, 28, 28]).</summary>
    int[] SampleShape { get; }

    /// <summary>The samples at <paramref name="indices"/>, in that order, as one batch whose inputs have shape [indices.Length, ..SampleShape].</summary>
    Batch GetBatch(ReadOnlySpan<int> indices);
}
