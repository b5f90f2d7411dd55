using System.Text.Json;
using Overfit.GaussianProcesses;
using R = Overfit.Tests.GaussianProcesses.SklearnReference;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>
/// Per-sample noise in the regressor against scikit-learn 1.2 (tests/fixtures/reference/gp_options/gp_options_reference.py),
/// the kernel_ naming shared by regressor and classifier, and class probabilities indexed by label.
/// </summary>
public class GpOptionsTests
{
    private static readonly Lazy<JsonElement> Root = new(() => Fixtures.ReferenceFixture.LoadDocument("gp_options/gp_options.json"));

    private static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Array ? v[0].GetDouble() : v.GetDouble()).ToArray();

    private static double[,] Column(double[] v)
    {
        var m = new double[v.Length, 1];
        for (int i = 0; i < v.Length; i++) m[i, 0] = v[i];
        return m;
    }

    [Theory]
    [InlineData("fixed")]
    [InlineData("fitted")]
    public void PerSampleAlphaMatchesScikitLearn(string name)
    {
        var root = Root.Value;
        var c = root.GetProperty("cases").GetProperty(name);
        var gp = new GaussianProcessRegressor(new ConstantKernel(1.0) * new RBF(1.0), Vector(root.GetProperty("alpha")), optimize: name == "fitted")
            .Fit(Column(Vector(root.GetProperty("X"))), Vector(root.GetProperty("y")));
        var theta = Vector(c.GetProperty("theta"));
        for (int t = 0; t < theta.Length; t++) Assert.Equal(theta[t], gp.FittedKernel!.Theta[t], name == "fixed" ? 14 : 4);
        Assert.Equal(c.GetProperty("lml").GetDouble(), gp.LogMarginalLikelihoodValue, name == "fixed" ? 10 : 7);
        var (mean, std) = gp.Predict(Column(Vector(root.GetProperty("Xs"))));
        var expectedMean = Vector(c.GetProperty("mean"));
        var expectedStd = Vector(c.GetProperty("std"));
        double tol = name == "fixed" ? 1e-10 : 1e-4;
        for (int i = 0; i < mean.Length; i++)
        {
            Assert.True(Math.Abs(expectedMean[i] - mean[i]) <= tol, $"{name} mean[{i}]: expected {expectedMean[i]}, got {mean[i]}");
            Assert.True(Math.Abs(expectedStd[i] - std[i]) <= tol, $"{name} std[{i}]: expected {expectedStd[i]}, got {std[i]}");
        }
        // The LML recomputed at the fitted theta uses the same per-sample noise.
        Assert.Equal(gp.LogMarginalLikelihoodValue, gp.LogMarginalLikelihood(), 9);
    }

    [Theory]
    [InlineData("multi_fixed_raw", false, false)]
    [InlineData("multi_fitted_raw", true, false)]
    [InlineData("multi_fixed_norm", false, true)]
    [InlineData("multi_fitted_norm", true, true)]
    public void TwoTargetsShareOneKernelAsInScikitLearn(string name, bool optimize, bool normalize)
    {
        var root = Root.Value;
        var c = root.GetProperty("cases").GetProperty(name);
        var gp = new GaussianProcessRegressor(new ConstantKernel(1.0) * new RBF([1.0, 1.0]), alpha: 1e-2, normalizeY: normalize, optimize: optimize)
            .Fit(LinearModels.LinearOptionsFixtureTests.Matrix(root.GetProperty("X2")), LinearModels.LinearOptionsFixtureTests.Matrix(root.GetProperty("Y2")));
        Assert.Equal(2, gp.Targets);
        var theta = Vector(c.GetProperty("theta"));
        // Fitted: the two L-BFGS-B runs stop at slightly different points of a flat optimum; the likelihood is what must agree.
        for (int t = 0; t < theta.Length; t++)
            Assert.True(Math.Abs(theta[t] - gp.FittedKernel!.Theta[t]) <= (optimize ? 1e-3 : 1e-14), $"{name} theta[{t}]: expected {theta[t]}, got {gp.FittedKernel!.Theta[t]}");
        Assert.Equal(c.GetProperty("lml").GetDouble(), gp.LogMarginalLikelihoodValue, optimize ? 6 : 10);
        Assert.Equal(gp.LogMarginalLikelihoodValue, gp.LogMarginalLikelihood(), 9);
        var (mean, std) = gp.PredictTargets(LinearModels.LinearOptionsFixtureTests.Matrix(root.GetProperty("Xs2")));
        var expectedMean = LinearModels.LinearOptionsFixtureTests.Matrix(c.GetProperty("mean"));
        var expectedStd = LinearModels.LinearOptionsFixtureTests.Matrix(c.GetProperty("std"));
        double tol = optimize ? 1e-4 : 1e-10;
        for (int j = 0; j < 4; j++)
            for (int t = 0; t < 2; t++)
            {
                Assert.True(Math.Abs(expectedMean[j, t] - mean[j, t]) <= tol * (1 + Math.Abs(expectedMean[j, t])), $"{name} mean[{j},{t}]: expected {expectedMean[j, t]}, got {mean[j, t]}");
                Assert.True(Math.Abs(expectedStd[j, t] - std[j, t]) <= tol, $"{name} std[{j},{t}]: expected {expectedStd[j, t]}, got {std[j, t]}");
            }
        Assert.Contains("PredictTargets", Assert.Throws<InvalidOperationException>(() => gp.Predict(new double[,] { { 0, 0 } })).Message);
        var viaTensors = new GaussianProcessRegressor(new ConstantKernel(1.0) * new RBF([1.0, 1.0]), alpha: 1e-2, normalizeY: normalize, optimize: false)
            .Fit(global::Overfit.Tensors.Tensor.FromArray(LinearModels.LinearOptionsFixtureTests.Matrix(root.GetProperty("X2"))), global::Overfit.Tensors.Tensor.FromArray(LinearModels.LinearOptionsFixtureTests.Matrix(root.GetProperty("Y2"))));
        Assert.Equal(2, viaTensors.Targets);
        Assert.Contains("one row of targets per row of X (15), got 3", Assert.Throws<ArgumentException>(() => gp.Fit(new double[15, 2], new double[3, 2])).Message);
    }

    [Fact]
    public void PerSampleAlphaIsChecked()
    {
        Assert.Contains("index 1", Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianProcessRegressor(new RBF(), [0.1, -1])).Message);
        var gp = new GaussianProcessRegressor(new RBF(), [0.1, 0.2, 0.3]);
        var e = Assert.Throws<ArgumentException>(() => gp.Fit(new double[,] { { 0 }, { 1 } }, [1.0, 2.0]));
        Assert.Contains("one noise value per training sample (2), got 3", e.Message);
    }

    [Fact]
    public void FittedKernelNamingMatchesBetweenRegressorAndClassifier()
    {
        var gpr = new GaussianProcessRegressor(new RBF(1.0)).Fit(new double[,] { { 0 }, { 1 }, { 2 } }, [0.0, 1.0, 0.5]);
        Assert.Same(gpr.FittedKernel, Assert.Single(gpr.FittedKernels));
        var binary = new GaussianProcessClassifier(new ConstantKernel(1.7) * new RBF(0.9), optimize: false).Fit(ClassifierInputs(R.XBinary), R.YBinary);
        Assert.Equal(binary.FittedKernels[0].Theta, binary.FittedKernel!.Theta);
        var multi = new GaussianProcessClassifier(new ConstantKernel(1.7) * new RBF(0.9), optimize: false).Fit(ClassifierInputs(R.XMulti), R.YMulti);
        Assert.Contains("FittedKernels", Assert.Throws<InvalidOperationException>(() => multi.FittedKernel).Message);
        Assert.Null(new GaussianProcessClassifier().FittedKernel);
    }

    [Fact]
    public void ProbabilitiesIndexByClassLabel()
    {
        foreach (var (x, y) in new[] { (R.XBinary, R.YBinary), (R.XMulti, R.YMulti) })
        {
            var gpc = new GaussianProcessClassifier(new ConstantKernel(1.7) * new RBF(0.9), optimize: false).Fit(ClassifierInputs(x), y);
            var matrix = gpc.PredictProba(ClassifierInputs(x));
            var byClass = gpc.PredictProbaByClass(ClassifierInputs(x));
            Assert.Equal(gpc.Classes, byClass.Keys.Order().ToArray());
            for (int c = 0; c < gpc.Classes.Length; c++)
                for (int j = 0; j < matrix.GetLength(0); j++) Assert.Equal(matrix[j, c], byClass[gpc.Classes[c]][j]);
        }
    }

    private static double[,] ClassifierInputs(double[] flat) => RegressorReferenceTests.Matrix(flat, 2);
}
