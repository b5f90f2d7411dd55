using Overfit.GaussianProcesses;
using R = Overfit.Tests.GaussianProcesses.SklearnReference;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>GaussianProcessClassifier against scikit-learn 1.2.1 (tests/fixtures/reference/gp/gp_reference.py).</summary>
public class ClassifierTests
{
    private static double[,] M(double[] flat) => RegressorReferenceTests.Matrix(flat, 2);

    [Fact]
    public void BinaryFixedHyperparametersMatchScikitLearn()
    {
        var gpc = new GaussianProcessClassifier(new ConstantKernel(1.7) * new RBF(0.9), optimize: false).Fit(M(R.XBinary), R.YBinary);
        Assert.Equal(R.BinaryFixedLml, gpc.LogMarginalLikelihoodValue, 1e-8);
        var p = gpc.PredictProba(M(R.XClassTest));
        KernelReferenceTests.Close(R.BinaryFixedProba, p.Cast<double>().ToArray(), 1e-6, 1e-9, "binary proba");
        double lml = gpc.LogMarginalLikelihood(gpc.FittedKernels[0].Theta, out var grad);
        Assert.Equal(R.BinaryFixedLml, lml, 1e-8);
        KernelReferenceTests.Close(R.BinaryFixedLmlGrad, grad, 1e-6, 1e-8, "binary LML gradient");
    }

    [Fact]
    public void LaplaceGradientMatchesFiniteDifferences()
    {
        var gpc = new GaussianProcessClassifier(new ConstantKernel(1.7) * new RBF(0.9), optimize: false).Fit(M(R.XBinary), R.YBinary);
        var theta = gpc.FittedKernels[0].Theta;
        gpc.LogMarginalLikelihood(theta, out var grad);
        const double h = 1e-5;
        for (int t = 0; t < theta.Length; t++)
        {
            var a = (double[])theta.Clone(); a[t] += h;
            var b = (double[])theta.Clone(); b[t] -= h;
            double fd = (gpc.LogMarginalLikelihood(a, out _) - gpc.LogMarginalLikelihood(b, out _)) / (2 * h);
            // The Newton stopping rule (gain < 1e-10) leaves a little slack in the mode, hence the looser tolerance.
            Assert.True(Math.Abs(fd - grad[t]) <= 1e-4 * (1 + Math.Abs(fd)), $"theta {t}: analytic {grad[t]} vs FD {fd}");
        }
    }

    [Fact]
    public void FittedLikelihoodIsAtLeastScikitLearns()
    {
        var gpc = new GaussianProcessClassifier(new ConstantKernel(1.0) * new RBF(1.0)).Fit(M(R.XBinary), R.YBinary);
        Assert.True(gpc.LogMarginalLikelihoodValue >= R.BinaryFittedLml - 1e-3, $"{gpc.LogMarginalLikelihoodValue} < {R.BinaryFittedLml}");
        var pred = gpc.Predict(M(R.XBinary));
        double accuracy = pred.Zip(R.YBinary).Count(t => t.First == t.Second) / (double)pred.Length;
        Assert.True(accuracy > 0.8, $"training accuracy {accuracy}");
    }

    [Fact]
    public void MultiClassOneVsRestMatchesScikitLearn()
    {
        var gpc = new GaussianProcessClassifier(new ConstantKernel(1.7) * new RBF(0.9), optimize: false).Fit(M(R.XMulti), R.YMulti);
        Assert.Equal([0, 1, 2], gpc.Classes);
        Assert.Equal(3, gpc.FittedKernels.Count);
        Assert.Equal(R.MultiFixedLml, gpc.LogMarginalLikelihoodValue, 1e-8);
        var p = gpc.PredictProba(M(R.XClassTest));
        KernelReferenceTests.Close(R.MultiFixedProba, p.Cast<double>().ToArray(), 1e-6, 1e-9, "multi-class proba");
        for (int j = 0; j < p.GetLength(0); j++) Assert.Equal(1.0, p[j, 0] + p[j, 1] + p[j, 2], 12);
    }

    [Fact]
    public void BadInputThrows()
    {
        var gpc = new GaussianProcessClassifier();
        Assert.Throws<ArgumentException>(() => gpc.Fit(new double[,] { { 0 }, { 1 } }, [1, 1]));
        Assert.Throws<ArgumentException>(() => gpc.Fit(new double[,] { { 0 }, { 1 } }, [0, 1, 0]));
        Assert.Throws<ArgumentException>(() => gpc.Fit(new double[,] { { 0 }, { double.NaN } }, [0, 1]));
        Assert.Throws<InvalidOperationException>(() => gpc.PredictProba(new double[,] { { 0 } }));
    }
}
