using Overfit.Tensors;

namespace Overfit.Tuning;

/// <summary>
/// NSGA-II for multi-objective studies (Deb et al. 2002; Optuna 3.1's NSGAIISampler). Trials carry their generation
/// (system attribute "nsga2:generation"); once a generation has <c>populationSize</c> complete trials, it and the
/// previous parents are ranked by fast non-dominated sorting and the best fronts fill the next parent population, the
/// last front cut by crowding distance. A child takes parents chosen by binary tournament and, with probability
/// <c>crossoverProb</c>, a crossover (uniform by default: each parameter from the second parent with probability
/// <c>swappingProb</c>; categoricals always so; otherwise a copy of one random parent), and each parameter is resampled uniformly with probability
/// <c>mutationProb</c> (1 / number of parameters by default). With <c>constraintsFunc</c>, feasible trials (all
/// constraints ≤ 0) dominate infeasible ones, and infeasible ones are ranked by their total violation.
/// </summary>
public sealed partial class NsgaIISampler : ISampler
{
    /// <summary>System attribute with a trial's generation.</summary>
    public const string GenerationKey = "nsga2:generation";
    /// <summary>System attribute with a trial's constraint values (Optuna's "constraints").</summary>
    public const string ConstraintsKey = TrialConstraints.Key;

    private readonly double? _mutationProb;
    private readonly RandomSampler _random;
    private readonly Generator _rng;
    private readonly Lock _lock = new();
    private readonly Func<FrozenTrial, IReadOnlyList<double>>? _constraintsFunc;
    private readonly RelativeSearchSpace _searchSpace = new();
    private readonly Dictionary<(int StudyId, int Generation), int[]> _eliteCache = [];

    /// <param name="populationSize">trials per generation (at least 2)</param>
    /// <param name="mutationProb">probability of resampling each parameter of a child; null is 1 / number of parameters</param>
    /// <param name="crossoverProb">probability of crossover (otherwise a child copies one parent)</param>
    /// <param name="swappingProb">uniform crossover: probability of taking each parameter from the second parent</param>
    /// <param name="seed">seed of the sampler's streams</param>
    /// <param name="constraintsFunc">constraint values of a finished trial (feasible when all are ≤ 0); null for none</param>
    /// <param name="crossover">how numerical parameters are combined; null is <see cref="UniformCrossover"/> with <paramref name="swappingProb"/></param>
    public NsgaIISampler(int populationSize = 50, double? mutationProb = null, double crossoverProb = 0.9, double swappingProb = 0.5, ulong? seed = null,
        Func<FrozenTrial, IReadOnlyList<double>>? constraintsFunc = null, INsgaIICrossover? crossover = null)
    {
        if (populationSize < 2) throw new ArgumentOutOfRangeException(nameof(populationSize), populationSize, "expected a population of at least 2");
        if (mutationProb is { } m && !(m >= 0 && m <= 1)) throw new ArgumentOutOfRangeException(nameof(mutationProb), m, "expected null or a probability in [0, 1]");
        if (!(crossoverProb >= 0 && crossoverProb <= 1)) throw new ArgumentOutOfRangeException(nameof(crossoverProb), crossoverProb, "expected a probability in [0, 1]");
        if (!(swappingProb >= 0 && swappingProb <= 1)) throw new ArgumentOutOfRangeException(nameof(swappingProb), swappingProb, "expected a probability in [0, 1]");
        ulong baseSeed = seed ?? (ulong)Random.Shared.NextInt64();
        PopulationSize = populationSize;
        _mutationProb = mutationProb;
        CrossoverProb = crossoverProb;
        SwappingProb = swappingProb;
        _random = new RandomSampler(baseSeed);
        _rng = new Generator(baseSeed ^ 0xD1B54A32D192ED03UL);
        _constraintsFunc = constraintsFunc;
        Crossover = crossover ?? new UniformCrossover(swappingProb);
        if (populationSize < Crossover.NParents)
            throw new ArgumentOutOfRangeException(nameof(populationSize), populationSize, $"the crossover needs {Crossover.NParents} parents; the population must be at least that large");
    }

    /// <summary>Trials per generation.</summary>
    public int PopulationSize { get; }
    /// <summary>Probability of crossover (otherwise a child copies one parent).</summary>
    public double CrossoverProb { get; }
    /// <summary>Uniform crossover: probability of taking each parameter from the second parent.</summary>
    public double SwappingProb { get; }
    /// <summary>How a child combines its parents' numerical parameters.</summary>
    public INsgaIICrossover Crossover { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => _searchSpace.Calculate(study);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(searchSpace);
        lock (_lock)
        {
            var (parentGeneration, parents) = CollectParentPopulation(study);
            if (parentGeneration < 0 || searchSpace.Count == 0) return RandomSampler.EmptyValues;
            var usable = parents.Where(p => searchSpace.Keys.All(p.InternalParams.ContainsKey)).ToList();
            if (usable.Count < Crossover.NParents) return RandomSampler.EmptyValues;
            Dictionary<string, double> child;
            if (_rng.NextDouble() < CrossoverProb)
            {
                child = CrossoverChild(study, usable, searchSpace);
            }
            else
            {
                var parent = usable[_rng.NextInt(usable.Count)];
                child = searchSpace.Keys.ToDictionary(n => n, n => parent.InternalParams[n]);
            }
            double mutation = _mutationProb ?? 1.0 / Math.Max(1, child.Count);
            var kept = new Dictionary<string, double>();
            foreach (var (name, value) in child)
                if (_rng.NextDouble() >= mutation) kept[name] = value;   // the others are resampled independently
            return kept;
        }
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
        => _random.SampleIndependent(study, trial, paramName, distribution);

    /// <summary>Records the trial's generation (one past the latest full parent generation) before any sampling, so trials of the first generation, sampled with an empty relative space, carry it too.</summary>
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        lock (_lock)
        {
            var (parentGeneration, _) = CollectParentPopulation(study);
            study.Storage.SetTrialSystemAttr(trial.TrialId, GenerationKey, (long)(parentGeneration + 1));
        }
    }

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        if (_constraintsFunc is not null) TrialConstraints.Store(_constraintsFunc, study, trial, state, values);
    }

    /// <summary>Binary tournament: of two random members, the first if it dominates the second, else the second.</summary>
    private FrozenTrial SelectParent(Study study, List<FrozenTrial> population)
    {
        var a = population[_rng.NextInt(population.Count)];
        var b = population[_rng.NextInt(population.Count)];
        return Dominates(a, b, study.Directions) ? a : b;
    }

    /// <summary>The latest full generation's parents: generation by generation, children plus parents cut to the elite.</summary>
    private (int Generation, List<FrozenTrial> Population) CollectParentPopulation(Study study)
    {
        var trials = study.GetTrials();
        var byNumber = trials.ToDictionary(t => t.Number);
        var byGeneration = new Dictionary<int, List<FrozenTrial>>();
        var running = new HashSet<int>();
        foreach (var t in trials)
        {
            if (!t.SystemAttrs.TryGetValue(GenerationKey, out var g) || g is null) continue;
            int generation = Convert.ToInt32(g);
            if (t.State == TrialState.Running) running.Add(generation);
            if (t.State != TrialState.Complete) continue;
            if (!byGeneration.TryGetValue(generation, out var list)) byGeneration[generation] = list = [];
            list.Add(t);
        }
        var parents = new List<FrozenTrial>();
        int parentGeneration = -1;
        while (true)
        {
            int generation = parentGeneration + 1;
            if (!byGeneration.TryGetValue(generation, out var population) || population.Count < PopulationSize) break;
            if (_eliteCache.TryGetValue((study.StudyId, generation), out var numbers))
                population = numbers.Select(n => byNumber[n]).ToList();
            else
            {
                population = SelectElite(study, [.. population, .. parents]);
                if (!running.Contains(generation)) _eliteCache[(study.StudyId, generation)] = population.Select(t => t.Number).ToArray();
            }
            parentGeneration = generation;
            parents = population;
        }
        return (parentGeneration, parents);
    }

    private List<FrozenTrial> SelectElite(Study study, List<FrozenTrial> population)
    {
        var elite = new List<FrozenTrial>();
        foreach (var front in NonDominatedSort(population, study.Directions))
        {
            if (elite.Count + front.Count < PopulationSize) { elite.AddRange(front); continue; }
            var distances = CrowdingDistance(front.Select(t => t.Values!).ToList());
            var order = Enumerable.Range(0, front.Count).OrderByDescending(i => distances[i]).ToArray();
            elite.AddRange(order.Take(PopulationSize - elite.Count).Select(i => front[i]));
            break;
        }
        return elite;
    }

    private List<List<FrozenTrial>> NonDominatedSort(List<FrozenTrial> population, IReadOnlyList<StudyDirection> directions)
    {
        var ranks = ParetoRanks.Fronts(population.Count, (i, j) => Dominates(population[i], population[j], directions));
        return ranks.Select(r => r.Select(i => population[i]).ToList()).ToList();
    }

    private bool Dominates(FrozenTrial a, FrozenTrial b, IReadOnlyList<StudyDirection> directions)
        => _constraintsFunc is null ? ParetoFront.Dominates(a.Values!, b.Values!, directions) : ConstrainedDominates(a, b, directions);
}
