using Overfit.BayesianOptimization;
using Overfit.GaussianProcesses;

namespace Overfit.Tests.BayesianOptimization;

// sklearn references: tests/fixtures/reference/bo/bo_acquisition_reference.py (scikit-learn 1.2.1,
// ConstantKernel * Matern(nu=2.5, ARD), alpha 1e-2, normalize_y=False).
public class SingleTaskGPTests
{
    private static readonly SingleTaskGPOptions SklearnLike = new()
    {
        // Without outcome standardization the observation variances are the standardized noise: sklearn's alpha.
        NormalizeInputs = false, StandardizeOutcomes = false, UsePriors = false, LearnMean = false,
        TrainYVariance = Enumerable.Repeat(1e-2, 8).ToArray(), NumRestarts = 5,
    };

    [Fact]
    public void MarginalLikelihoodAtFixedHyperparametersMatchesSklearn()
    {
        var model = BoTestHelpers.FittedModel(SklearnLike);
        var grad = new double[3];
        // theta in the core's (and scikit-learn's) order: log output scale, log length scales
        double objective = model.NegativeObjective([Math.Log(1.5), Math.Log(0.3), Math.Log(0.6)], grad);
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
            // log output scale, log length scales, log noise, mean
            double[] theta = [Math.Log(1.3), Math.Log(0.4), Math.Log(0.7), Math.Log(0.05), 0.2];
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
    public void ConditioningMatchesGaussianConditioningOfTheJointPosterior()
    {
        // Closed form: with the joint posterior N(mu, S) over [test points T; new points P] and observations
        // y_P = f_P + noise, the conditioned moments are mu_T + S_TP (S_PP + s2 I)^-1 (y_P - mu_P) and
        // S_TT - S_TP (S_PP + s2 I)^-1 S_PT; the model's noise s2 is in standardized units, scaled back here.
        var model = BoTestHelpers.FittedModel();
        double[] p = [0.62, 0.18, 0.15, 0.8];
        double[] t = [0.6, 0.2, 0.5, 0.5, 0.1, 0.9];
        double[] yP = [1.7, 0.4];
        var (mu, cov) = model.Posterior([.. t, .. p], 5);
        double s2 = model.Noise * model.OutcomeScale * model.OutcomeScale;
        // A = S_PP + s2 I (2×2), inverted by hand.
        double a = cov[3 * 5 + 3] + s2, b = cov[3 * 5 + 4], c = cov[4 * 5 + 3], e = cov[4 * 5 + 4] + s2, det = a * e - b * c;
        double[] inv = [e / det, -b / det, -c / det, a / det];
        var conditioned = model.ConditionOnObservations(p, yP);
        Assert.Equal(model.Count + 2, conditioned.Count);
        var mean = new double[3]; var variance = new double[3];
        conditioned.PosteriorMeanVariance(t, 3, mean, variance);
        for (int i = 0; i < 3; i++)
        {
            double[] sTP = [cov[i * 5 + 3], cov[i * 5 + 4]];
            double[] w = [sTP[0] * inv[0] + sTP[1] * inv[2], sTP[0] * inv[1] + sTP[1] * inv[3]];
            double expectedMean = mu[i] + w[0] * (yP[0] - mu[3]) + w[1] * (yP[1] - mu[4]);
            double expectedVariance = cov[i * 5 + i] - (w[0] * sTP[0] + w[1] * sTP[1]);
            Assert.Equal(expectedMean, mean[i], 1e-8);
            Assert.Equal(expectedVariance, variance[i], 1e-8);
        }
        Assert.Equal(model.RawHyperparameters, conditioned.RawHyperparameters);
        Assert.Equal(model.OutcomeMean, conditioned.OutcomeMean);
    }

    [Fact]
    public void ConditioningOnThePosteriorMeanKeepsTheMeanAndShrinksTheVarianceThere()
    {
        var model = BoTestHelpers.FittedModel();
        double[] p = [0.62, 0.18];
        var believed = new double[1]; var before = new double[1];
        model.PosteriorMeanVariance(p, 1, believed, before);
        var conditioned = model.ConditionOnObservations(p, believed);
        double[] grid = [0.62, 0.18, 0.3, 0.7, 0.9, 0.1];
        var m0 = new double[3]; var v0 = new double[3]; var m1 = new double[3]; var v1 = new double[3];
        model.PosteriorMeanVariance(grid, 3, m0, v0);
        conditioned.PosteriorMeanVariance(grid, 3, m1, v1);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(m0[i], m1[i], 1e-9);
            Assert.True(v1[i] <= v0[i] + 1e-12, $"point {i}: variance grew from {v0[i]} to {v1[i]}");
        }
        Assert.True(v1[0] < 0.5 * v0[0], $"variance at the conditioned point {v1[0]} vs {v0[0]} before");
    }

    [Fact]
    public void ConditioningRejectsBadInput()
    {
        var model = BoTestHelpers.FittedModel();
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => model.ConditionOnObservations([0.1, 0.2, 0.3], [1.0])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => model.ConditionOnObservations([0.1, 0.2], [double.NaN])).ParamName);
        var (x, y) = BoTestHelpers.SmallData();
        var perPoint = SingleTaskGP.Fit(x, y, new SingleTaskGPOptions { TrainYVariance = Enumerable.Repeat(1e-3, 8).ToArray() });
        Assert.Throws<NotSupportedException>(() => perPoint.ConditionOnObservations([0.1, 0.2], [1.0]));
    }

    [Fact]
    public void BadInputThrowsNamingTheArgument()
    {
        Assert.Equal("trainY", Assert.Throws<ArgumentException>(() => SingleTaskGP.Fit([0.1, 0.2], [1.0, double.NaN])).ParamName);
        Assert.Equal("trainX", Assert.Throws<ArgumentException>(() => SingleTaskGP.Fit([0.1, 0.2, 0.3], [1.0, 2.0])).ParamName);
        Assert.Equal("trainY", Assert.Throws<ArgumentException>(() => SingleTaskGP.Fit([], [])).ParamName);
    }
}
