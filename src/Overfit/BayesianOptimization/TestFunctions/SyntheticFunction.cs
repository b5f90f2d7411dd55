namespace Overfit.BayesianOptimization;

/// <summary>A standard optimization test problem (minimization) with its domain and known global minimum.</summary>
public abstract class SyntheticFunction
{
    /// <summary>Sets the number of inputs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    protected SyntheticFunction(int dimension)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"expected a dimension >= 1, got {dimension}");
        Dimension = dimension;
    }

    /// <summary>Number of inputs d.</summary>
    public int Dimension { get; }
    /// <summary>Benchmark name, e.g. "branin" or "hartmann6".</summary>
    public abstract string Name { get; }
    /// <summary>The search domain.</summary>
    public abstract Bounds Bounds { get; }
    /// <summary>The global minimum value.</summary>
    public abstract double OptimalValue { get; }
    /// <summary>One global minimizer (null where none is tabulated).</summary>
    public abstract double[]? Optimizer { get; }

    /// <summary>f(x) at one point of <see cref="Dimension"/> coordinates (like botorch.test_functions with noise_std = None).</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not have Dimension coordinates.</exception>
    public double Evaluate(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimension) throw new ArgumentException($"{Name} expects {Dimension} coordinates, got {x.Length}", nameof(x));
        return Compute(x);
    }

    /// <summary>f(x); the length is already checked.</summary>
    protected abstract double Compute(ReadOnlySpan<double> x);

    /// <summary>The box [low, high]^d.</summary>
    protected static Bounds Box(int d, double low, double high)
        => new(Enumerable.Repeat(low, d).ToArray(), Enumerable.Repeat(high, d).ToArray());

    /// <summary>Looks a function up by a benchmark name: branin, hartmann3, hartmann6, ackley5, levy4, rosenbrock2, ...</summary>
    public static SyntheticFunction FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string lower = name.ToLowerInvariant();
        string stem = lower.TrimEnd("0123456789".ToCharArray());
        int d = stem.Length < lower.Length ? int.Parse(lower[stem.Length..], System.Globalization.CultureInfo.InvariantCulture) : 2;
        return stem switch
        {
            "branin" => new Branin(),
            "hartmann" when d == 3 => Hartmann.ThreeD(),
            "hartmann" when d == 6 => Hartmann.SixD(),
            "ackley" => new Ackley(d),
            "levy" => new Levy(d),
            "rosenbrock" => new Rosenbrock(d),
            "michalewicz" => new Michalewicz(d),
            "styblinskitang" => new StyblinskiTang(d),
            "sixhumpcamel" => new SixHumpCamel(),
            _ => throw new ArgumentException($"unknown test function '{name}'; expected branin, hartmann3, hartmann6, ackleyD, levyD, rosenbrockD, michalewicz2/5/10, styblinskitangD or sixhumpcamel", nameof(name)),
        };
    }
}
