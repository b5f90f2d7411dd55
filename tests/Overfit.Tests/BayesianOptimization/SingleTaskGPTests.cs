using Overfit.BayesianOptimization;
using Overfit.GaussianProcesses;

namespace Overfit.Tests.BayesianOptimization;

// sklearn references: tests/fixtures/reference/bo/bo_acquisition_reference.py (scikit-learn 1.2.1,
// ConstantKernel * Matern(nu=2.5, ARD), alpha 1e-2, normalize_y=False).
public class SingleTaskGPTests
{
    private static readonly SingleTaskGPOptions SklearnLike = new()
    {
        NormalizeInputs = false, StandardizeOutcomes = false, UsePriors = false, LearnMean = false, FixedNoise = 1e-2,
        NumRestarts = 5,
    };

    [Fact]
    public void MarginalLikelihoodAtFixedHyperparametersMatchesSklearn()
    {
        var model = BoTestHelpers.FittedModel(SklearnLike);
        var grad = new double[3];
        double objective = model.NegativeObjective([Math.Log(0.3), Math.Log(0.6), Math.Log(1.5)], grad);
        Assert.Equal(-8.218065757366144, -objective * 8, 1e-9);
    }

    [Fact]
    public void FittedModelMatchesSklearn()
    {
        var model = BoTestHelpers.FittedModel(SklearnLike);
        Assert.Equal(-3.321156549388051, model.LogMarginalLikelihood, 1e-4);
        var (mean, std) = model.Predict(new double[,] { { 0.5, 0.5 }, { 0.05, 0.95 }, { 0.9, 0.6 } });
        double[] sklearnMean = [1.632635369219849, 0.24404019751017714, 1.0453373647285247];
        double[] sklearnStd = [0.08071267585199551, 0.2655054915830526, 0.10920818463683406];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(sklearnMean[i], mean[i], 2e-3);
            Assert.Equal(sklearnStd[i], std[i], 2e-3);
        }
    }

    [Fact]
    public void ObjectiveGradientMatchesFiniteDifferences()
    {
        foreach (var (kernel, priors) in new (StationaryKernel, GPPriorKind)[] { (new Matern(nu: 2.5), GPPriorKind.Gamma), (new RBF(), GPPriorKind.Gamma), (new Matern(nu: 2.5), GPPriorKind.DimensionScaledLogNormal) })
        {
            var model = BoTestHelpers.FittedModel(new SingleTaskGPOptions { Kernel = kernel, Priors = priors });
            double[] theta = [Math.Log(0.4), Math.Log(0.7), Math.Log(1.3), Math.Log(0.05), 0.2];
            var g = new double[theta.Length];
            model.NegativeObjective(theta, g);
            BoTestHelpers.CheckGradient(t => model.NegativeObjective(t, new double[t.Length]), theta, g, atol: 1e-7);
        }
    }

    [Fact]
    public void BoTorchDefaultsFitAndPredict()
    {
        var model = BoTestHelpers.FittedModel();
        Assert.Equal(2, model.Lengthscales.Length);
        Assert.True(model.Noise >= 1e-4, $"noise {model.Noise} below the floor");
        Assert.True(double.IsFinite(model.LogMarginalLikelihood));
        var (mean, _) = model.Predict(new double[,] { { 0.5, 0.5 } });
        double truth = Math.Sin(1.5) + Math.Cos(1.0) + 0.125;
        Assert.Equal(truth, mean[0], 0.1);
    }

    // Posterior gradients, the joint posterior and its backward pass: PosteriorModelContractTests (one suite per interface).

    [Fact]
    public void FixedNoiseVariantUsesTheGivenNoise()
    {
        var (x, y) = BoTestHelpers.SmallData();
        var tiny = SingleTaskGP.Fit(x, y, new SingleTaskGPOptions { TrainYVariance = Enumerable.Repeat(1e-6, 8).ToArray() });
        var large = SingleTaskGP.Fit(x, y, new SingleTaskGPOptions { TrainYVariance = Enumerable.Repeat(0.5, 8).ToArray() });
        Assert.True(double.IsNaN(tiny.Noise));
        var m = new double[1]; var vTiny = new double[1]; var vLarge = new double[1];
        tiny.PosteriorMeanVariance(x.AsSpan(0, 2), 1, m, vTiny);
        Assert.Equal(y[0], m[0], 2e-3); // nearly interpolates
        large.PosteriorMeanVariance(x.AsSpan(0, 2), 1, m, vLarge);
        Assert.True(vLarge[0] > 10 * vTiny[0]);
    }

    [Fact]
    public void WarmStartReachesTheSameFit()
    {
        var cold = BoTestHelpers.FittedModel();
        var warm = BoTestHelpers.FittedModel(new SingleTaskGPOptions { InputBounds = Bounds.UnitCube(2), InitialHyperparameters = cold.RawHyperparameters });
        Assert.Equal(cold.LogPosterior, warm.LogPosterior, 1e-4);
    }

    [Fact]
    public void BadInputThrowsNamingTheArgument()
    {
        Assert.Equal("trainY", Assert.Throws<ArgumentException>(() => SingleTaskGP.Fit([0.1, 0.2], [1.0, double.NaN])).ParamName);
        Assert.Equal("trainX", Assert.Throws<ArgumentException>(() => SingleTaskGP.Fit([0.1, 0.2, 0.3], [1.0, 2.0])).ParamName);
        Assert.Equal("trainY", Assert.Throws<ArgumentException>(() => SingleTaskGP.Fit([], [])).ParamName);
    }
}
