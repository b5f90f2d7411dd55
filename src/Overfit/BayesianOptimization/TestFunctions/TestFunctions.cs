namespace Overfit.BayesianOptimization;

/// <summary>Branin-Hoo on [-5,10]×[0,15]; minimum 0.397887 at (-π, 12.275), (π, 2.275), (9.42478, 2.475).</summary>
public sealed class Branin() : SyntheticFunction(2)
{
    /// <inheritdoc/>
    public override string Name => "branin";
    /// <inheritdoc/>
    public override Bounds Bounds { get; } = new([-5, 0], [10, 15]);
    /// <inheritdoc/>
    public override double OptimalValue => 0.39788735772973816;
    /// <inheritdoc/>
    public override double[]? Optimizer => [-Math.PI, 12.275];

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x)
    {
        double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        double inner = x[1] - b * x[0] * x[0] + c * x[0] - 6;
        return inner * inner + 10 * (1 - t) * Math.Cos(x[0]) + 10;
    }
}

/// <summary>Hartmann in 3-D (minimum -3.86278) or 6-D (minimum -3.32237) on the unit cube.</summary>
public sealed class Hartmann : SyntheticFunction
{
    private static readonly double[] Alpha = [1.0, 1.2, 3.0, 3.2];
    private readonly double[,] _a, _p;
    private readonly double _optimalValue;
    private readonly double[] _optimizer;

    private Hartmann(int d, double[,] a, double[,] p, double optimalValue, double[] optimizer) : base(d)
    {
        _a = a; _p = p; _optimalValue = optimalValue; _optimizer = optimizer;
        Bounds = Box(d, 0, 1);
    }

    /// <summary>Hartmann-3 on [0, 1]^3; minimum −3.86278 at (0.114614, 0.555649, 0.852547).</summary>
    public static Hartmann ThreeD() => new(3,
        new double[,] { { 3, 10, 30 }, { 0.1, 10, 35 }, { 3, 10, 30 }, { 0.1, 10, 35 } },
        new double[,] { { 0.3689, 0.1170, 0.2673 }, { 0.4699, 0.4387, 0.7470 }, { 0.1091, 0.8732, 0.5547 }, { 0.0381, 0.5743, 0.8828 } },
        -3.86278214782076, [0.114614, 0.555649, 0.852547]);

    /// <summary>Hartmann-6 on [0, 1]^6; minimum −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).</summary>
    public static Hartmann SixD() => new(6,
        new double[,] { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } },
        new double[,]
        {
            { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
            { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
        },
        -3.32236801141551, [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]);

    /// <inheritdoc/>
    public override string Name => $"hartmann{Dimension}";
    /// <inheritdoc/>
    public override Bounds Bounds { get; }
    /// <inheritdoc/>
    public override double OptimalValue => _optimalValue;
    /// <inheritdoc/>
    public override double[]? Optimizer => _optimizer;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0;
            for (int j = 0; j < Dimension; j++) { double diff = x[j] - _p[i, j]; inner += _a[i, j] * diff * diff; }
            sum += Alpha[i] * Math.Exp(-inner);
        }
        return -sum;
    }
}

/// <summary>Ackley (a = 20, b = 0.2, c = 2π) on [-32.768, 32.768]^d; minimum 0 at the origin.</summary>
public sealed class Ackley(int dimension) : SyntheticFunction(dimension)
{
    /// <inheritdoc/>
    public override string Name => $"ackley{Dimension}";
    /// <inheritdoc/>
    public override Bounds Bounds { get; } = Box(dimension, -32.768, 32.768);
    /// <inheritdoc/>
    public override double OptimalValue => 0;
    /// <inheritdoc/>
    public override double[]? Optimizer => new double[Dimension];

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x)
    {
        double sq = 0, cos = 0;
        foreach (var v in x) { sq += v * v; cos += Math.Cos(2 * Math.PI * v); }
        return -20 * Math.Exp(-0.2 * Math.Sqrt(sq / Dimension)) - Math.Exp(cos / Dimension) + 20 + Math.E;
    }
}

/// <summary>Levy on [-10, 10]^d; minimum 0 at (1, ..., 1).</summary>
public sealed class Levy(int dimension) : SyntheticFunction(dimension)
{
    /// <inheritdoc/>
    public override string Name => $"levy{Dimension}";
    /// <inheritdoc/>
    public override Bounds Bounds { get; } = Box(dimension, -10, 10);
    /// <inheritdoc/>
    public override double OptimalValue => 0;
    /// <inheritdoc/>
    public override double[]? Optimizer => Enumerable.Repeat(1.0, Dimension).ToArray();

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x)
    {
        static double W(double v) => 1 + (v - 1) / 4;
        double s = Math.Pow(Math.Sin(Math.PI * W(x[0])), 2);
        for (int i = 0; i < Dimension - 1; i++)
        {
            double w = W(x[i]);
            s += (w - 1) * (w - 1) * (1 + 10 * Math.Pow(Math.Sin(Math.PI * w + 1), 2));
        }
        double wd = W(x[Dimension - 1]);
        return s + (wd - 1) * (wd - 1) * (1 + Math.Pow(Math.Sin(2 * Math.PI * wd), 2));
    }
}

/// <summary>Rosenbrock on [-5, 10]^d; minimum 0 at (1, ..., 1).</summary>
public sealed class Rosenbrock(int dimension) : SyntheticFunction(dimension)
{
    /// <inheritdoc/>
    public override string Name => $"rosenbrock{Dimension}";
    /// <inheritdoc/>
    public override Bounds Bounds { get; } = Box(dimension, -5, 10);
    /// <inheritdoc/>
    public override double OptimalValue => 0;
    /// <inheritdoc/>
    public override double[]? Optimizer => Enumerable.Repeat(1.0, Dimension).ToArray();

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < Dimension - 1; i++) s += 100 * Math.Pow(x[i + 1] - x[i] * x[i], 2) + Math.Pow(x[i] - 1, 2);
        return s;
    }
}

/// <summary>Michalewicz (m = 10) on [0, π]^d; minima -1.80130341 (d=2), -4.687658 (d=5), -9.66015 (d=10).</summary>
public sealed class Michalewicz(int dimension) : SyntheticFunction(dimension)
{
    /// <inheritdoc/>
    public override string Name => $"michalewicz{Dimension}";
    /// <inheritdoc/>
    public override Bounds Bounds { get; } = Box(dimension, 0, Math.PI);
    /// <inheritdoc/>
    public override double OptimalValue => Dimension switch
    {
        2 => -1.80130341,
        5 => -4.687658,
        10 => -9.66015,
        _ => throw new NotSupportedException($"the Michalewicz minimum is tabulated for d = 2, 5, 10 only, not {Dimension}"),
    };
    /// <inheritdoc/>
    public override double[]? Optimizer => Dimension == 2 ? [2.202905513296628, 1.570796322320509] : null;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < Dimension; i++) s -= Math.Sin(x[i]) * Math.Pow(Math.Sin((i + 1) * x[i] * x[i] / Math.PI), 20);
        return s;
    }
}

/// <summary>Styblinski-Tang on [-5, 5]^d; minimum -39.166166 d at (-2.903534, ...).</summary>
public sealed class StyblinskiTang(int dimension) : SyntheticFunction(dimension)
{
    /// <inheritdoc/>
    public override string Name => $"styblinskitang{Dimension}";
    /// <inheritdoc/>
    public override Bounds Bounds { get; } = Box(dimension, -5, 5);
    /// <inheritdoc/>
    public override double OptimalValue => -39.16616570377142 * Dimension;
    /// <inheritdoc/>
    public override double[]? Optimizer => Enumerable.Repeat(-2.903534027771178, Dimension).ToArray();

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (var v in x) s += v * v * v * v - 16 * v * v + 5 * v;
        return 0.5 * s;
    }
}

/// <summary>Six-hump camel on [-3,3]×[-2,2]; minimum -1.0316 at (0.0898, -0.7126) and (-0.0898, 0.7126).</summary>
public sealed class SixHumpCamel() : SyntheticFunction(2)
{
    /// <inheritdoc/>
    public override string Name => "sixhumpcamel";
    /// <inheritdoc/>
    public override Bounds Bounds { get; } = new([-3, -2], [3, 2]);
    /// <inheritdoc/>
    public override double OptimalValue => -1.031628453489877;
    /// <inheritdoc/>
    public override double[]? Optimizer => [0.08984201368301331, -0.7126564032704135];

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x)
    {
        double a = x[0], b = x[1];
        return (4 - 2.1 * a * a + a * a * a * a / 3) * a * a + a * b + (-4 + 4 * b * b) * b * b;
    }
}
