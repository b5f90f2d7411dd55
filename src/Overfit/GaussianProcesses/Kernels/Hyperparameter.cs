namespace Overfit.GaussianProcesses;

/// <summary>
/// One named kernel hyperparameter (a positive scalar or, for ARD length scales, a positive vector).
/// Optimizers see it in log space through <see cref="Kernel.Theta"/>; fixed hyperparameters are left out of theta.
/// </summary>
public sealed class Hyperparameter
{
    /// <summary>A hyperparameter with positive <paramref name="values"/> (copied) and fitting bounds (like sklearn's Hyperparameter).</summary>
    /// <exception cref="ArgumentException">values is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive and finite, or a free one's bounds are not 0 &lt; lower ≤ upper.</exception>
    public Hyperparameter(string name, double[] values, double lower, double upper, bool isFixed = false, Prior? prior = null)
    {
        if (values.Length == 0) throw new ArgumentException($"hyperparameter '{name}' needs at least one value, got none", nameof(values));
        foreach (double v in values)
            if (!(v > 0) || double.IsInfinity(v))
                throw new ArgumentOutOfRangeException(nameof(values), $"hyperparameter '{name}' must be positive and finite, got {v}");
        if (!isFixed && !(lower > 0 && upper >= lower) )
            throw new ArgumentOutOfRangeException(nameof(lower), $"bounds of '{name}' must satisfy 0 < lower <= upper, got ({lower}, {upper})");
        Name = name;
        Values = (double[])values.Clone();
        Lower = lower;
        Upper = upper;
        IsFixed = isFixed;
        Prior = prior;
    }

    /// <summary>Name as scikit-learn spells it (composites prefix k1__ / k2__).</summary>
    public string Name { get; }
    /// <summary>Current values (not log); shared with the owning kernel, so writing theta updates it.</summary>
    public double[] Values { get; }
    /// <summary>Lower fitting bound (value units, not log).</summary>
    public double Lower { get; }
    /// <summary>Upper fitting bound (value units, not log).</summary>
    public double Upper { get; }
    /// <summary>Whether the value is kept out of theta and the fit.</summary>
    public bool IsFixed { get; }
    /// <summary>Prior on the value, or null.</summary>
    public Prior? Prior { get; }
    /// <summary>Number of values (1, or d for ARD length scales).</summary>
    public int Count => Values.Length;

    internal Hyperparameter CloneDeep() => new(Name, Values, Lower, Upper, IsFixed, Prior);

    internal Hyperparameter Renamed(string prefix) => new(prefix + Name, Values, Lower, Upper, IsFixed, Prior, share: true);

    private Hyperparameter(string name, double[] values, double lower, double upper, bool isFixed, Prior? prior, bool share)
    {
        _ = share;
        Name = name; Values = values; Lower = lower; Upper = upper; IsFixed = isFixed; Prior = prior;
    }

    /// <inheritdoc/>
    public override string ToString() => Count == 1 ? $"{Name}={Values[0]:G5}" : $"{Name}=[{string.Join(", ", Values.Select(v => v.ToString("G5")))}]";
}
