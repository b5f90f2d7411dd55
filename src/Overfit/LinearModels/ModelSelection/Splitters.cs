using Overfit.LinearModels.Internal;
using Overfit.Tensors;

namespace Overfit.LinearModels.ModelSelection;

/// <summary>A way to split n samples into (train, test) index sets, several times.</summary>
public interface ICrossValidator
{
    int SplitCount { get; }
    IEnumerable<(int[] Train, int[] Test)> Split(int samples);
}

/// <summary>
/// k consecutive folds, each used once as the test set (scikit-learn's KFold: the first n mod k folds get one extra
/// sample). With shuffle the indices are permuted first by <see cref="Generator"/>(seed), so shuffled folds are
/// reproducible here but differ from NumPy's.
/// </summary>
public sealed class KFold : ICrossValidator
{
    public KFold(int nSplits = 5, bool shuffle = false, ulong seed = 0)
    {
        DenseInput.AtLeast(nSplits, 2, nameof(nSplits));
        NSplits = nSplits; Shuffle = shuffle; Seed = seed;
    }

    public int NSplits { get; }
    public bool Shuffle { get; }
    public ulong Seed { get; }
    public int SplitCount => NSplits;

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
    public ShuffleSplit(int nSplits = 10, double testSize = 0.1, double? trainSize = null, ulong seed = 0)
    {
        DenseInput.AtLeast(nSplits, 1, nameof(nSplits));
        if (!(testSize > 0 && testSize < 1)) throw new ArgumentOutOfRangeException(nameof(testSize), testSize, $"testSize must lie in (0, 1), got {testSize}");
        if (trainSize is double t && !(t > 0 && t + testSize <= 1))
            throw new ArgumentOutOfRangeException(nameof(trainSize), t, $"trainSize must lie in (0, 1 − testSize = {1 - testSize}], got {t}");
        NSplits = nSplits; TestSize = testSize; TrainSize = trainSize; Seed = seed;
    }

    public int NSplits { get; }
    public double TestSize { get; }
    public double? TrainSize { get; }
    public ulong Seed { get; }
    public int SplitCount => NSplits;

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
