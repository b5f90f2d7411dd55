namespace Overfit.Tuning;

/// <summary>
/// Maps a search space to a box of reals and back (Optuna's _SearchSpaceTransform): log parameters to their log,
/// stepped parameters widened by half a step on each side so grid ends get fair mass, categoricals one-hot over
/// [0, 1] columns. Untransform rounds to the grid, clips into the space and takes the arg-max of one-hot columns.
/// Works in the internal representation (choice indices for categoricals).
/// </summary>
public sealed class SearchSpaceTransform
{
    private readonly (string Name, Distribution Distribution)[] _params;
    private readonly int[] _firstColumn;

    /// <summary>A transform of <paramref name="searchSpace"/> (like optuna's _SearchSpaceTransform).</summary>
    /// <param name="searchSpace">The distributions, by parameter name.</param>
    /// <param name="transformLog">Encode log parameters by their log.</param>
    /// <param name="transformStep">Widen stepped ranges by half a step on each side.</param>
    /// <exception cref="ArgumentNullException"><paramref name="searchSpace"/> is null.</exception>
    /// <exception cref="ArgumentException">The space is empty or holds an unsupported distribution.</exception>
    public SearchSpaceTransform(IReadOnlyDictionary<string, Distribution> searchSpace, bool transformLog = true, bool transformStep = true)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (searchSpace.Count == 0) throw new ArgumentException("cannot transform an empty search space", nameof(searchSpace));
        _params = searchSpace.Select(p => (p.Key, p.Value)).ToArray();
        TransformLog = transformLog;
        _firstColumn = new int[_params.Length];
        var lows = new List<double>();
        var highs = new List<double>();
        for (int i = 0; i < _params.Length; i++)
        {
            _firstColumn[i] = lows.Count;
            switch (_params[i].Distribution)
            {
                case CategoricalDistribution c:
                    for (int k = 0; k < c.Choices.Count; k++) { lows.Add(0); highs.Add(1); }
                    break;
                case FloatDistribution f:
                    double half = f.Step is { } s && transformStep ? 0.5 * s : 0;
                    lows.Add(Forward(f.Low, f.Log) - half);
                    highs.Add(Forward(f.High, f.Log) + half);
                    break;
                case IntDistribution d:
                    double h = transformStep ? 0.5 * d.Step : 0;
                    if (d.Log) { lows.Add(Forward(d.Low - h, true)); highs.Add(Forward(d.High + h, true)); }
                    else { lows.Add(d.Low - h); highs.Add(d.High + h); }
                    break;
                default: throw new ArgumentException($"unsupported distribution {_params[i].Distribution.GetType().Name}", nameof(searchSpace));
            }
        }
        Lower = lows.ToArray();
        Upper = highs.ToArray();
    }

    /// <summary>Whether log parameters are encoded by their log.</summary>
    public bool TransformLog { get; }
    /// <summary>Lower bound of each encoded column.</summary>
    public double[] Lower { get; }
    /// <summary>Upper bound of each encoded column.</summary>
    public double[] Upper { get; }
    /// <summary>Number of encoded columns (one-hot categoricals count one per choice).</summary>
    public int EncodedDimension => Lower.Length;
    /// <summary>Parameter names in encoding order.</summary>
    public IReadOnlyList<string> ParamNames => _params.Select(p => p.Name).ToArray();

    /// <summary>Encodes internal-representation parameter values (every name of the space must be present).</summary>
    public double[] Transform(IReadOnlyDictionary<string, double> internalParams)
    {
        var x = new double[EncodedDimension];
        for (int i = 0; i < _params.Length; i++)
        {
            var (name, dist) = _params[i];
            if (!internalParams.TryGetValue(name, out double v)) throw new ArgumentException($"parameter '{name}' is missing", nameof(internalParams));
            if (dist is CategoricalDistribution) x[_firstColumn[i] + (int)v] = 1;
            else x[_firstColumn[i]] = Forward(v, dist is FloatDistribution { Log: true } or IntDistribution { Log: true });
        }
        return x;
    }

    /// <summary>Decodes a point of the box into internal-representation values inside the space.</summary>
    public Dictionary<string, double> Untransform(ReadOnlySpan<double> x)
    {
        if (x.Length != EncodedDimension) throw new ArgumentException($"expected {EncodedDimension} encoded values, got {x.Length}", nameof(x));
        var result = new Dictionary<string, double>(_params.Length);
        for (int i = 0; i < _params.Length; i++)
        {
            var (name, dist) = _params[i];
            double t = x[_firstColumn[i]];
            result[name] = dist switch
            {
                CategoricalDistribution c => ArgMax(x.Slice(_firstColumn[i], c.Choices.Count)),
                FloatDistribution f => UntransformFloat(t, f),
                IntDistribution d => UntransformInt(t, d),
                _ => throw new InvalidOperationException(),
            };
        }
        return result;
    }

    private double Forward(double v, bool log) => log && TransformLog ? Math.Log(v) : v;

    private double UntransformFloat(double t, FloatDistribution f)
    {
        if (f.Log)
        {
            double p = TransformLog ? Math.Exp(t) : t;
            return f.Single ? p : Math.Min(p, Math.BitDecrement(f.High));
        }
        if (f.Step is { } s) return Math.Clamp(Math.Round((t - f.Low) / s) * s + f.Low, f.Low, f.High);
        return f.Single ? t : Math.Min(t, Math.BitDecrement(f.High));
    }

    private double UntransformInt(double t, IntDistribution d)
    {
        if (d.Log) return TransformLog ? Math.Clamp(Math.Round(Math.Exp(t)), d.Low, d.High) : Math.Truncate(t);
        return Math.Clamp(Math.Round((t - d.Low) / d.Step) * d.Step + d.Low, d.Low, d.High);
    }

    private static int ArgMax(ReadOnlySpan<double> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
