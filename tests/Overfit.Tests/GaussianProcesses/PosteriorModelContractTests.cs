using Overfit.BayesianOptimization;
using Overfit.GaussianProcesses;
using Overfit.Tests.BayesianOptimization;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>One suite over every IPosteriorModel: SingleTaskGP and GaussianProcessRegressor (stationary and not).</summary>
public class PosteriorModelContractTests
{
    private static double[,] Rows(double[] flat, int d)
    {
        var m = new double[flat.Length / d, d];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }

    private static readonly Dictionary<string, Func<IPosteriorModel>> Models = new()
    {
        ["SingleTaskGP"] = () => BoTestHelpers.FittedModel(),
        ["SingleTaskGPScaledInputs"] = () => BoTestHelpers.FittedModel(new SingleTaskGPOptions { InputBounds = new Bounds([-1, 0], [2, 3]) }),
        ["RegressorMaternWhite"] = () =>
        {
            var (x, y) = BoTestHelpers.SmallData();
            return new GaussianProcessRegressor(new ConstantKernel(1.0) * new Matern([0.4, 0.6], nu: 2.5) + new WhiteKernel(1e-3), normalizeY: true).Fit(Rows(x, 2), y);
        },
        ["RegressorDotProductPlusRbf"] = () =>
        {
            var (x, y) = BoTestHelpers.SmallData();
            return new GaussianProcessRegressor(new DotProduct(0.5) + new RBF(0.5), alpha: 1e-4, normalizeY: true, optimize: false).Fit(Rows(x, 2), y);
        },
    };

    public static TheoryData<string> Names => new([.. Models.Keys]);

    [Theory, MemberData(nameof(Names))]
    public void PosteriorGradientsMatchFiniteDifferences(string name)
    {
        var model = Models[name]();
        double[] x = [0.3, 0.8];
        var gm = new double[2]; var gv = new double[2];
        model.PosteriorWithGradient(x, gm, gv);
        BoTestHelpers.CheckGradient(p => model.PosteriorWithGradient(p, new double[2], new double[2]).Mean, x, gm);
        BoTestHelpers.CheckGradient(p => model.PosteriorWithGradient(p, new double[2], new double[2]).Variance, x, gv);
    }

    [Theory, MemberData(nameof(Names))]
    public void JointPosteriorBackwardMatchesFiniteDifferences(string name)
    {
        var model = Models[name]();
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

    [Theory, MemberData(nameof(Names))]
    public void JointPosteriorAgreesWithMarginals(string name)
    {
        var model = Models[name]();
        double[] x = [0.3, 0.8, 0.6, 0.1];
        var (mean, cov) = model.Posterior(x, 2);
        var m = new double[2]; var v = new double[2];
        model.PosteriorMeanVariance(x, 2, m, v);
        var (single, singleVariance) = model.PosteriorWithGradient(x.AsSpan(2, 2), new double[2], new double[2]);
        Assert.Equal(2, model.Dimension);
        Assert.Equal(m[0], mean[0], 10); Assert.Equal(m[1], mean[1], 10);
        Assert.Equal(v[0], cov[0], 10); Assert.Equal(v[1], cov[3], 10);
        Assert.Equal(cov[1], cov[2], 12);
        Assert.Equal(m[1], single, 10);
        Assert.Equal(v[1], singleVariance, 10);
    }

    [Fact]
    public void RegressorPosteriorIsItsPrediction()
    {
        var (x, y) = BoTestHelpers.SmallData();
        var gp = new GaussianProcessRegressor(new Matern(0.5, nu: 2.5), alpha: 1e-6, normalizeY: true).Fit(Rows(x, 2), y);
        double[] q = [0.3, 0.8, 0.6, 0.1];
        var (mean, std) = gp.Predict(Rows(q, 2));
        var m = new double[2]; var v = new double[2];
        ((IPosteriorModel)gp).PosteriorMeanVariance(q, 2, m, v);
        for (int i = 0; i < 2; i++) { Assert.Equal(mean[i], m[i], 12); Assert.Equal(std[i] * std[i], v[i], 12); }
        Assert.Throws<InvalidOperationException>(() => ((IPosteriorModel)new GaussianProcessRegressor()).Dimension);
        Assert.Contains("3 values", Assert.Throws<ArgumentException>(() => ((IPosteriorModel)gp).PosteriorMeanVariance(new double[3], 2, m, v)).Message);
    }
}
