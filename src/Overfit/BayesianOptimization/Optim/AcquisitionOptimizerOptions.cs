namespace Overfit.BayesianOptimization;

/// <summary>Settings of <see cref="AcquisitionOptimizer.Optimize"/>.</summary>
public sealed record AcquisitionOptimizerOptions
{
    /// <summary>L-BFGS iterations per restart (scipy's L-BFGS-B default in BoTorch: 200).</summary>
    public int MaxIterations { get; init; } = 200;
    /// <summary>Seed of the raw samples and restart selection.</summary>
    public ulong Seed { get; init; }
    /// <summary>q > 1: choose the points one at a time with the earlier ones pending (greedy) instead of jointly.</summary>
    public bool Sequential { get; init; }
    /// <summary>Dimension index → value held fixed.</summary>
    public IReadOnlyDictionary<int, double>? FixedFeatures { get; init; }
    /// <summary>Dimensions that take integer values only (rounded, then the rest re-optimized).</summary>
    public IReadOnlyList<int>? IntegerDimensions { get; init; }
    /// <summary>Dimension index → number of categories k (values 0..k-1); every combination is optimized and the best kept.</summary>
    public IReadOnlyDictionary<int, int>? CategoricalDimensions { get; init; }
    /// <summary>Cap on the category combinations enumerated (default 64).</summary>
    public int MaxCategoricalCombinations { get; init; } = 64;
    /// <summary>Temperature of the Boltzmann selection of restart points (BoTorch's eta).</summary>
    public double BoltzmannEta { get; init; } = 1.0;
    /// <summary>Restarts optimized in parallel (default 2), never more than <see cref="Threading.Effective"/>.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 2;
}

/// <summary>The q×d best batch found (row-major) and its acquisition value.</summary>
public sealed record AcquisitionResult(double[] Candidates, int Q, int Dimension, double Value)
{
    /// <summary>Candidate <paramref name="i"/> of the batch (d values).</summary>
    public double[] Row(int i) => Candidates.AsSpan(i * Dimension, Dimension).ToArray();
}
