using Overfit.BayesianOptimization;
using Overfit.Tensors;

namespace Overfit.Tests.BayesianOptimization;

public class TestFunctionTests
{
    public static TheoryData<string, double> Functions => new()
    {
        { "branin", 1e-6 }, { "hartmann3", 1e-4 }, { "hartmann6", 1e-5 }, { "ackley5", 1e-12 }, { "levy4", 1e-12 },
        { "rosenbrock3", 1e-12 }, { "michalewicz2", 1e-7 }, { "styblinskitang3", 1e-9 }, { "sixhumpcamel", 1e-9 },
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void ValueAtTheOptimumIsTheKnownMinimum(string name, double tolerance)
    {
        var f = SyntheticFunction.FromName(name);
        Assert.Equal(f.OptimalValue, f.Evaluate(f.Optimizer!), tolerance);
        var rng = new Generator(1);
        for (int i = 0; i < 200; i++)
        {
            var x = new double[f.Dimension];
            for (int c = 0; c < x.Length; c++) x[c] = f.Bounds.Lower[c] + (f.Bounds.Upper[c] - f.Bounds.Lower[c]) * rng.NextDouble();
            Assert.True(f.Evaluate(x) >= f.OptimalValue - tolerance, $"{name} below its minimum at a random point");
        }
    }

    [Fact]
    public void OtherBraninMinimaAndTabulatedValues()
    {
        var b = new Branin();
        Assert.Equal(0.397887, b.Evaluate([Math.PI, 2.275]), 1e-6);
        Assert.Equal(0.397887, b.Evaluate([9.42478, 2.475]), 1e-6);
        Assert.Equal(-3.32237, Hartmann.SixD().OptimalValue, 1e-5);
        Assert.Equal(-3.86278, Hartmann.ThreeD().OptimalValue, 1e-5);
        Assert.Equal(-1.0316, new SixHumpCamel().Evaluate([-0.0898, 0.7126]), 1e-4);
        Assert.Equal(-4.687658, new Michalewicz(5).OptimalValue);
        Assert.Equal(-39.166166 * 4, new StyblinskiTang(4).OptimalValue, 1e-5);
    }

    [Fact]
    public void WrongDimensionOrNameThrows()
    {
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => new Branin().Evaluate([1.0])).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => SyntheticFunction.FromName("nope")).ParamName);
    }
}
