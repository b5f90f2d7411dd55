namespace Overfit.Tuning;

public sealed partial class NsgaIISampler
{
    private const int MaxCrossoverTries = 100;

    /// <summary>
    /// A child by crossover (Optuna's perform_crossover): categoricals by uniform crossover between the first and last
    /// parent; numerical parameters by <see cref="Crossover"/> in the encoded space, decoded, and drawn again (with
    /// new parents) while a float lands outside its range; after <see cref="MaxCrossoverTries"/> tries it is clipped.
    /// </summary>
    private Dictionary<string, double> CrossoverChild(Study study, List<FrozenTrial> population, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        var numerical = searchSpace.Where(p => p.Value is not CategoricalDistribution).ToDictionary(p => p.Key, p => p.Value);
        var categorical = searchSpace.Keys.Where(k => !numerical.ContainsKey(k)).ToArray();
        var transform = numerical.Count == 0 ? null : new SearchSpaceTransform(numerical);
        for (int attempt = 0; ; attempt++)
        {
            var parents = new List<FrozenTrial>();
            for (int k = 0; k < Crossover.NParents; k++)
                parents.Add(SelectParent(study, population.Where(p => !parents.Any(q => q.Number == p.Number)).ToList()));
            var child = new Dictionary<string, double>();
            foreach (var name in categorical)
                child[name] = (_rng.NextDouble() >= SwappingProb ? parents[0] : parents[^1]).InternalParams[name];
            if (transform is null) return child;
            var encoded = parents.Select(p => transform.Transform(p.InternalParams)).ToArray();
            var x = Crossover.Crossover(encoded, _rng, study, transform.Lower, transform.Upper);
            bool last = attempt + 1 >= MaxCrossoverTries;
            if (last)
                for (int j = 0; j < x.Length; j++) x[j] = Math.Clamp(x[j], transform.Lower[j], transform.Upper[j]);
            var decoded = transform.Untransform(x);
            if (last)
                foreach (var (name, d) in numerical)
                    if (d is FloatDistribution f) decoded[name] = Math.Clamp(decoded[name], f.Low, f.High);
            if (last || decoded.All(p => numerical[p.Key].Contains(p.Value)))
            {
                foreach (var (name, value) in decoded) child[name] = value;
                return child;
            }
        }
    }
}
