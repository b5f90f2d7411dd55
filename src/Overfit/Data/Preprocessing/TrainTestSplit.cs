using Overfit.Data.Random;

namespace Overfit.Data.Preprocessing;

/// <summary>
/// scikit-learn's train_test_split, index for index: the test part holds ceil(testSize * n) samples, the
/// training part the rest. Shuffled splits draw from a NumPy-compatible <see cref="RandomState"/> seeded
/// with <c>randomState</c> exactly as ShuffleSplit does (test = permutation[:nTest], train = the next
/// nTrain), and stratified splits follow StratifiedShuffleSplit (per-class allocation by
/// _approximate_mode, per-class permutations, then both parts permuted), so
/// <c>train_test_split(X, y, test_size=0.3, random_state=42)</c> picks the same rows here.
/// </summary>
public static class TrainTestSplit
{
    /// <summary>Row indices of the training and test parts.</summary>
    public static (int[] Train, int[] Test) Indices(int count, double testSize = 0.25, long randomState = 0, bool shuffle = true, int[]? stratify = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be positive, got {count}");
        if (!(testSize > 0 && testSize < 1))
            throw new ArgumentOutOfRangeException(nameof(testSize), testSize, $"testSize must be a fraction in (0, 1), got {testSize}");
        int testCount = (int)Math.Ceiling(testSize * count);
        int trainCount = count - testCount;
        if (trainCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(testSize), testSize, $"testSize {testSize} of {count} samples leaves no training samples");
        if (!shuffle)
        {
            if (stratify is not null) throw new ArgumentException("stratify requires shuffle = true (as in scikit-learn)", nameof(stratify));
            return (Range(0, trainCount), Range(trainCount, testCount));
        }
        var rng = new RandomState(randomState);
        if (stratify is null)
        {
            int[] permutation = rng.Permutation(count);
            return (permutation[testCount..(testCount + trainCount)], permutation[..testCount]);
        }
        return Stratified(stratify, count, trainCount, testCount, rng);
    }

    /// <summary>Splits the rows of a matrix and its labels with <see cref="Indices"/>.</summary>
    public static (T[,] XTrain, T[,] XTest, TLabel[] YTrain, TLabel[] YTest) Split<T, TLabel>(T[,] x, TLabel[] y, double testSize = 0.25,
        long randomState = 0, bool shuffle = true, int[]? stratify = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (y.Length != x.GetLength(0)) throw new ArgumentException($"y must have one entry per row of x ({x.GetLength(0)}), got {y.Length}", nameof(y));
        var (train, test) = Indices(y.Length, testSize, randomState, shuffle, stratify);
        return (TakeRows(x, train), TakeRows(x, test), train.Select(i => y[i]).ToArray(), test.Select(i => y[i]).ToArray());
    }

    /// <summary>The rows <paramref name="rows"/> of <paramref name="x"/>, in that order.</summary>
    public static T[,] TakeRows<T>(T[,] x, int[] rows)
    {
        int columns = x.GetLength(1);
        var result = new T[rows.Length, columns];
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < columns; c++) result[r, c] = x[rows[r], c];
        return result;
    }

    private static (int[] Train, int[] Test) Stratified(int[] labels, int count, int trainCount, int testCount, RandomState rng)
    {
        if (labels.Length != count) throw new ArgumentException($"stratify must have one label per sample ({count}), got {labels.Length}", nameof(labels));
        int[] classes = labels.Distinct().Order().ToArray();
        var classOf = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var classCounts = new int[classes.Length];
        foreach (int label in labels) classCounts[classOf[label]]++;
        if (classCounts.Min() < 2)
            throw new ArgumentException("stratify: the least populated class has only 1 member; every class needs at least 2 (as in scikit-learn)", nameof(labels));
        if (trainCount < classes.Length || testCount < classes.Length)
            throw new ArgumentException($"stratify: the train ({trainCount}) and test ({testCount}) parts must each hold at least one sample of each of the {classes.Length} classes", nameof(labels));
        // Samples of each class in increasing index order (a stable argsort of the class index).
        var classIndices = classes.Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < count; i++) classIndices[classOf[labels[i]]].Add(i);

        int[] trainPerClass = ApproximateMode(classCounts, trainCount, rng);
        int[] remaining = classCounts.Select((c, i) => c - trainPerClass[i]).ToArray();
        int[] testPerClass = ApproximateMode(remaining, testCount, rng);
        var train = new List<int>(trainCount);
        var test = new List<int>(testCount);
        for (int k = 0; k < classes.Length; k++)
        {
            int[] permutation = rng.Permutation(classCounts[k]);
            int[] members = permutation.Select(p => classIndices[k][p]).ToArray();
            train.AddRange(members[..trainPerClass[k]]);
            test.AddRange(members[trainPerClass[k]..(trainPerClass[k] + testPerClass[k])]);
        }
        int[] trainArray = train.ToArray(), testArray = test.ToArray();
        rng.Shuffle<int>(trainArray);
        rng.Shuffle<int>(testArray);
        return (trainArray, testArray);
    }

    /// <summary>
    /// scikit-learn's _approximate_mode: floor(counts / total * draws) per class, then the missing draws go to
    /// the classes with the largest remainders, ties broken by rng.choice (a permutation of the tied classes).
    /// </summary>
    private static int[] ApproximateMode(int[] classCounts, int draws, RandomState rng)
    {
        double total = classCounts.Sum();
        var continuous = classCounts.Select(c => c / total * draws).ToArray();
        var floored = continuous.Select(Math.Floor).ToArray();
        int needToAdd = (int)(draws - floored.Sum());
        if (needToAdd > 0)
        {
            var remainder = continuous.Select((v, i) => v - floored[i]).ToArray();
            foreach (double value in remainder.Distinct().OrderDescending())
            {
                int[] tied = Enumerable.Range(0, remainder.Length).Where(i => remainder[i] == value).ToArray();
                int addNow = Math.Min(tied.Length, needToAdd);
                int[] chosen = rng.Permutation(tied.Length)[..addNow];
                foreach (int c in chosen) floored[tied[c]] += 1;
                needToAdd -= addNow;
                if (needToAdd == 0) break;
            }
        }
        return floored.Select(f => (int)f).ToArray();
    }

    private static int[] Range(int start, int length) => Enumerable.Range(start, length).ToArray();
}
