using System.Collections.ObjectModel;

namespace Overfit.GaussianProcesses;

/// <summary>
/// A composite kernel's view of its operands' hyperparameters under scikit-learn's prefixes (k1__, k2__, kernel__),
/// built once and reused while the operands keep the same hyperparameter objects. The renamed entries share their
/// values with the operands, so theta updates need no rebuild; an operand that hands out different objects (a
/// user kernel may) is noticed by reference on the next access and the view is rebuilt.
/// </summary>
internal sealed class RenamedHyperparameters
{
    private sealed record Snapshot(Hyperparameter[] Sources, ReadOnlyCollection<Hyperparameter> Renamed);

    private Snapshot _snapshot = new([], Array.AsReadOnly(Array.Empty<Hyperparameter>()));

    /// <summary>The hyperparameters of <paramref name="first"/> prefixed by <paramref name="firstPrefix"/>, then those of the optional second operand.</summary>
    public IReadOnlyList<Hyperparameter> Get(Kernel first, string firstPrefix, Kernel? second = null, string? secondPrefix = null)
    {
        var a = first.Hyperparameters;
        var b = second?.Hyperparameters ?? [];
        var current = Volatile.Read(ref _snapshot);
        if (Matches(current.Sources, a, b)) return current.Renamed;
        var sources = new Hyperparameter[a.Count + b.Count];
        var renamed = new Hyperparameter[sources.Length];
        for (int i = 0; i < a.Count; i++) renamed[i] = (sources[i] = a[i]).Renamed(firstPrefix);
        for (int i = 0; i < b.Count; i++) renamed[a.Count + i] = (sources[a.Count + i] = b[i]).Renamed(secondPrefix!);
        var next = new Snapshot(sources, Array.AsReadOnly(renamed));
        Volatile.Write(ref _snapshot, next);
        return next.Renamed;
    }

    private static bool Matches(Hyperparameter[] sources, IReadOnlyList<Hyperparameter> a, IReadOnlyList<Hyperparameter> b)
    {
        if (sources.Length != a.Count + b.Count) return false;
        for (int i = 0; i < a.Count; i++) if (!ReferenceEquals(sources[i], a[i])) return false;
        for (int i = 0; i < b.Count; i++) if (!ReferenceEquals(sources[a.Count + i], b[i])) return false;
        return true;
    }
}
