using Overfit.BayesianOptimization;
using Overfit.Tensors;

namespace Overfit.Tests.BayesianOptimization;

public class OptimizerTests
{
    [Fact]
    public void BoltzmannSelectionKeepsTheBestAndIsDistinct()
    {
        var values = Enumerable.Range(0, 50).Select(i => Math.Sin(i)).ToArray();
        var picks = AcquisitionOptimizer.BoltzmannSelect(values, 10, 1.0, new Generator(0));
        Assert.Equal(10, picks.Distinct().Count());
        Assert.Contains(Array.IndexOf(values, values.Max()), picks);
    }

    private static SingleTaskGP QuadraticModel()
    {
        // outcome peaks at (0.3, 0.7) in [0,1]^2
        var x = new SobolEngine(2, seed: 9).Draw(16);
        var y = Enumerable.Range(0, 16).Select(i => -Math.Pow(x[2 * i] - 0.3, 2) - Math.Pow(x[2 * i + 1] - 0.7, 2)).ToArray();
        return SingleTaskGP.Fit(x, y, new SingleTaskGPOptions { InputBounds = Bounds.UnitCube(2) });
    }

    [Fact]
    public void FindsThePosteriorMeanMaximum()
    {
        var res = AcquisitionOptimizer.Optimize(new PosteriorMean(QuadraticModel()), Bounds.UnitCube(2), 1, 5, 64);
        Assert.Equal(0.3, res.Candidates[0], 0.03);
        Assert.Equal(0.7, res.Candidates[1], 0.03);
        Assert.Equal(1, res.Q);
    }

    [Fact]
    public void OptimizesBatchesJointlyAndSequentially()
    {
        var model = QuadraticModel();
        var acq = new QExpectedImprovement(model, 0.0, numSamples: 128);
        var joint = AcquisitionOptimizer.Optimize(acq, Bounds.UnitCube(2), 2, 4, 64);
        var seq = AcquisitionOptimizer.Optimize(acq, Bounds.UnitCube(2), 2, 4, 64, new AcquisitionOptimizerOptions { Sequential = true });
        foreach (var r in new[] { joint, seq })
        {
            Assert.Equal(4, r.Candidates.Length);
            Assert.True(Math.Abs(r.Candidates[0] - r.Candidates[2]) + Math.Abs(r.Candidates[1] - r.Candidates[3]) > 1e-3, "the two points coincide");
            Assert.All(r.Candidates, v => Assert.InRange(v, 0.0, 1.0));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => AcquisitionOptimizer.Optimize(new ExpectedImprovement(model, 0), Bounds.UnitCube(2), 2, 2, 8));
    }

    [Fact]
    public void HonoursFixedIntegerAndCategoricalDimensions()
    {
        var model = QuadraticModel();
        var acq = new PosteriorMean(model);
        var fixedRes = AcquisitionOptimizer.Optimize(acq, Bounds.UnitCube(2), 1, 4, 32,
            new AcquisitionOptimizerOptions { FixedFeatures = new Dictionary<int, double> { [1] = 0.25 } });
        Assert.Equal(0.25, fixedRes.Candidates[1]);
        Assert.Equal(0.3, fixedRes.Candidates[0], 0.05);

        // scale the second input to 0..4 so it can be integer / categorical
        var x = new SobolEngine(2, seed: 2).Draw(20);
        for (int i = 0; i < 20; i++) x[2 * i + 1] *= 4;
        var y = Enumerable.Range(0, 20).Select(i => -Math.Pow(x[2 * i] - 0.3, 2) - Math.Pow(x[2 * i + 1] - 2.8, 2)).ToArray();
        var bounds = new Bounds([0, 0], [1, 4]);
        var m2 = SingleTaskGP.Fit(x, y, new SingleTaskGPOptions { InputBounds = bounds });
        var integer = AcquisitionOptimizer.Optimize(new PosteriorMean(m2), bounds, 1, 4, 32, new AcquisitionOptimizerOptions { IntegerDimensions = [1] });
        Assert.Equal(3.0, integer.Candidates[1]);
        var categorical = AcquisitionOptimizer.Optimize(new PosteriorMean(m2), bounds, 1, 4, 32,
            new AcquisitionOptimizerOptions { CategoricalDimensions = new Dictionary<int, int> { [1] = 5 } });
        Assert.Equal(3.0, categorical.Candidates[1]);
        Assert.Equal(0.3, categorical.Candidates[0], 0.05);
    }

    [Fact]
    public void BadBoundsThrowNamingTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Bounds([0, 1], [1, 1]));
        Assert.Equal("lower", ex.ParamName);
        Assert.Contains("low 1 and high 1", ex.Message);
        Assert.Throws<ArgumentException>(() => new Bounds([0], [1, 2]));
        var model = QuadraticModel();
        Assert.Equal("bounds", Assert.Throws<ArgumentException>(() => AcquisitionOptimizer.Optimize(new PosteriorMean(model), Bounds.UnitCube(3))).ParamName);
        Assert.Equal("rawSamples", Assert.Throws<ArgumentOutOfRangeException>(() => AcquisitionOptimizer.Optimize(new PosteriorMean(model), Bounds.UnitCube(2), 1, 10, 5)).ParamName);
    }
}
