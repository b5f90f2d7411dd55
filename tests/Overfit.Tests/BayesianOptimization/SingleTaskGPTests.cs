using Overfit.BayesianOptimization;
using Overfit.GaussianProcesses;

namespace Overfit.Tests.BayesianOptimization;

// sklearn references: tests/reference/bo_acquisition_reference.py (scikit-learn 1.2.1,
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

    [Fact]
    public void PosteriorGradientsMatchFiniteDifferences()
    {
        var model = BoTestHelpers.FittedModel(new SingleTaskGPOptions { InputBounds = new Bounds([-1, 0], [2, 3]) });
        double[] x = [0.3, 0.8];
        var gm = new double[2]; var gv = new double[2];
        model.PosteriorWithGradient(x, gm, gv);
        BoTestHelpers.CheckGradient(p => model.PosteriorWithGradient(p, new double[2], new double[2]).Mean, x, gm);
        BoTestHelpers.CheckGradient(p => model.PosteriorWithGradient(p, new double[2], new double[2]).Variance, x, gv);
    }

    [Fact]
    public void JointPosteriorBackwardMatchesFiniteDifferences()
    {
        var model = BoTestHelpers.FittedModel();
        double[] x = [0.3, 0.8, 0.6, 0.1, 0.45, 0.5];
        double[] meanWeights = [0.7, -1.1, 0.4];
        double[] covWeights = [1.0, 0.3, -0.2, 0.5, 2.0, 0.1, -0.7, 0.6, 1.5];
        double Objective(double[] p)
        {
            var (m, c) = model.Posterior(p, 3);
            return m.Zip(meanWeights, (a, b) => a * b).Sum() + c.Zip(covWeights, (a, b) => a * b).Sum();
        }
        var g = new double[6];
        model.PosteriorBackward(x, 3, meanWeights, covWeights, g);
        BoTestHelpers.CheckGradient(Objective, x, g);
    }

    [Fact]
    public void JointPosteriorAgreesWithMarginals()
    {
        var model = BoTestHelpers.FittedModel();
        double[] x = [0.3, 0.8, 0.6, 0.1];
        var (mean, cov) = model.Posterior(x, 2);
        var m = new double[2]; var v = new double[2];
        model.PosteriorMeanVariance(x, 2, m, v);
        Assert.Equal(m[0], mean[0], 10); Assert.Equal(m[1], mean[1], 10);
        Assert.Equal(v[0], cov[0], 10); Assert.Equal(v[1], cov[3], 10);
        Assert.Equal(cov[1], cov[2], 12);
    }

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
