using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses;

public class OptimizerAndPriorTests
{
    [Theory]
    [InlineData(0.7)]
    [InlineData(3.0)]
    public void PriorGradientsMatchFiniteDifferencesInLogSpace(double value)
    {
        Prior[] priors = [new GammaPrior(3.0, 6.0), new LogNormalPrior(-0.5, 0.8)];
        foreach (var p in priors)
        {
            const double h = 1e-6;
            double u = Math.Log(value);
            double fd = (p.LogDensity(Math.Exp(u + h)) - p.LogDensity(Math.Exp(u - h))) / (2 * h);
            Assert.Equal(fd, p.LogDensityGradientLog(value), 1e-6);
        }
        // Gamma(3, 6) density at 0.5: 6³/Γ(3)·0.25·e⁻³.
        Assert.Equal(Math.Log(216.0 / 2 * 0.25 * Math.Exp(-3)), new GammaPrior(3, 6).LogDensity(0.5), 12);
    }

    [Fact]
    public void KernelLogPriorSumsOverFreeHyperparameters()
    {
        var k = new RBF([1.0, 2.0], prior: new GammaPrior(3, 6)) + new WhiteKernel(0.5, prior: new LogNormalPrior(0, 1), isFixed: true);
        var g = new GammaPrior(3, 6);
        Assert.Equal(g.LogDensity(1.0) + g.LogDensity(2.0), k.LogPrior(), 12);
        Assert.Equal([g.LogDensityGradientLog(1.0), g.LogDensityGradientLog(2.0)], k.LogPriorGradient());
        Assert.True(k.HasPriors);
    }
}
