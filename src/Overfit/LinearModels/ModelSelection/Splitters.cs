using Overfit.LinearModels.Internal;
using Overfit.Tensors;

namespace Overfit.LinearModels.ModelSelection;

/// <summary>A way to split n samples into (train, test) index sets, several times.</summary>
public interface ICrossValidator
{
    /// <summary>Number of (train, test) pairs <see cref="Split"/> yields.</summary>
    int SplitCount { get; }
    /// <summary>The (train, test) index sets for <paramref name="samples"/> samples.</summary>
    IEnumerable<(int[] Train, int[] Test)> Split(int samples);
}

/// <summary>
/// k consecutive folds, each used once as the test set (scikit-learn's KFold: the first n mod k folds get one extra
/// sample). With shuffle the indices are permuted first by <see cref="Generator"/>(seed), so shuffled folds are
/// reproducible here but differ from NumPy's.
/// </summary>
public sealed class KFold : ICrossValidator
{
    /// <summary>k-fold splitter (like sklearn.model_selection.KFold).</summary>
    /// <param name="nSplits">Number of folds, ≥ 2 (default 5).</param>
    /// <param name="shuffle">Permute the samples before folding.</param>
    /// <param name="seed">Seed of the permutation.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nSplits"/> &lt; 2.</exception>
    public KFold(int nSplits = 5, bool shuffle = false, ulong seed = 0)
    {
        DenseInput.AtLeast(nSplits, 2, nameof(nSplits));
        NSplits = nSplits; Shuffle = shuffle; Seed = seed;
    }

    /// <summary>Number of folds.</summary>
    public int NSplits { get; }
    /// <summary>Whether samples are permuted before folding.</summary>
    public bool Shuffle { get; }
    /// <summary>Seed of the permutation.</summary>
    public ulong Seed { get; }
    /// <inheritdoc/>
    public int SplitCount => NSplits;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is smaller than the number of folds.</exception>
    public IEnumerable<(int[] Train, int[] Test)> Split(int samples)
    {
        if (samples < NSplits) throw new ArgumentException($"KFold with {NSplits} splits needs at least {NSplits} samples, got {samples}", nameof(samples));
        var order = Shuffle ? new Generator(Seed).Permutation(samples) : Enumerable.Range(0, samples).ToArray();
        foreach (var (s, e) in ContiguousFolds(samples, NSplits))
        {
            var test = order[s..e];
            var train = new int[samples - (e - s)];
            Array.Copy(order, 0, train, 0, s);
            Array.Copy(order, e, train, s, samples - e);
            yield return (train, test);
        }
    }

    /// <summary>[start, end) row ranges of the unshuffled folds.</summary>
    internal static (int Start, int End)[] ContiguousFolds(int samples, int k)
    {
        var folds = new (int, int)[k];
        int start = 0;
        for (int f = 0; f < k; f++)
        {
            int size = samples / k + (f < samples % k ? 1 : 0);
            folds[f] = (start, start + size);
            start += size;
        }
        return folds;
    }
}

/// <summary>
/// Independent random train/test splits (scikit-learn's ShuffleSplit): test = ⌈testSize·n⌉ samples, train = the next
/// trainSize·n (default: the rest) of a fresh permutation per split. Permutations come from <see cref="Generator"/>(seed).
/// </summary>
public sealed class ShuffleSplit : ICrossValidator
{
    /// <summary>Random train/test splitter (like sklearn.model_selection.ShuffleSplit).</summary>
    /// <param name="nSplits">Number of splits (default 10).</param>
    /// <param name="testSize">Test fraction in (0, 1) (default 0.1).</param>
    /// <param name="trainSize">Train fraction (default: the rest).</param>
    /// <param name="seed">Seed of the permutations.</param>
    /// <exception cref="ArgumentOutOfRangeException">nSplits &lt; 1, testSize outside (0, 1), or trainSize outside (0, 1 − testSize].</exception>
    public ShuffleSplit(int nSplits = 10, double testSize = 0.1, double? trainSize = null, ulong seed = 0)
    {
        DenseInput.AtLeast(nSplits, 1, nameof(nSplits));
        if (!(testSize > 0 && testSize < 1)) throw new ArgumentOutOfRangeException(nameof(testSize), testSize, $"testSize must lie in (0, 1), got {testSize}");
        if (trainSize is double t && !(t > 0 && t + testSize <= 1))
            throw new ArgumentOutOfRangeException(nameof(trainSize), t, $"trainSize must lie in (0, 1 − testSize = {1 - testSize}], got {t}");
        NSplits = nSplits; TestSize = testSize; TrainSize = trainSize; Seed = seed;
    }

    /// <summary>Number of splits.</summary>
    public int NSplits { get; }
    /// <summary>Test fraction.</summary>
    public double TestSize { get; }
    /// <summary>Train fraction, or null for everything not in the test set.</summary>
    public double? TrainSize { get; }
    /// <summary>Seed of the permutations.</summary>
    public ulong Seed { get; }
    /// <inheritdoc/>
    public int SplitCount => NSplits;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The fractions leave an empty or overlapping split for <paramref name="samples"/> samples.</exception>
    public IEnumerable<(int[] Train, int[] Test)> Split(int samples)
    {
        int nTest = (int)Math.Ceiling(TestSize * samples);
        int nTrain = TrainSize is double t ? (int)Math.Floor(t * samples) : samples - nTest;
        if (nTest < 1 || nTrain < 1 || nTest + nTrain > samples)
            throw new ArgumentException($"ShuffleSplit cannot split {samples} samples into {nTrain} train and {nTest} test samples", nameof(samples));
        var gen = new Generator(Seed);
        for (int s = 0; s < NSplits; s++)
        {
            var perm = gen.Permutation(samples);
            yield return (perm[nTest..(nTest + nTrain)], perm[..nTest]);
        }
    }
}
