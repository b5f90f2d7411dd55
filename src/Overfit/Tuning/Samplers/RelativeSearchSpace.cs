namespace Overfit.Tuning;

/// <summary>
/// The relative search space of the evolutionary and model-based samplers (Optuna's infer_relative_search_space of
/// CmaEsSampler, NSGAIISampler and GPSampler): the study's intersection search space without single-valued
/// parameters, optionally only the distributions a sampler can model. Thread-safe; one instance serves one study.
/// </summary>
internal sealed class RelativeSearchSpace(Func<Distribution, bool>? supports = null)
{
    private readonly Lock _lock = new();
    private IntersectionSearchSpace? _intersection;

    public IReadOnlyDictionary<string, Distribution> Calculate(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        SortedDictionary<string, Distribution> all;
        lock (_lock)
        {
            _intersection ??= new IntersectionSearchSpace();
            all = _intersection.Calculate(study);
        }
        var space = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
        foreach (var (name, d) in all)
            if (!d.Single && (supports is null || supports(d))) space[name] = d;
        return space;
    }
}
