using Overfit.GaussianProcesses;
using R = Overfit.Tests.GaussianProcesses.SklearnReference;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>GaussianProcessRegressor against scikit-learn 1.2.1 (tests/fixtures/reference/gp/gp_reference.py) on three data sets.</summary>
public class RegressorReferenceTests
{
    internal static double[,] Matrix(double[] flat, int cols)
    {
        int rows = flat.Length / cols;
        var m = new double[rows, cols];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }

    private sealed record Setup(double[,] X, double[] Y, double[,] XTest, Func<Kernel> Start, Func<Kernel> Fixed, bool Normalize, double Alpha);

    private static Setup Get(string tag) => tag switch
    {
        "A" => new(Matrix(R.XA, 1), R.YA, Matrix(R.XTestA, 1), () => new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(0.1),
            () => new ConstantKernel(1.5) * new RBF(0.8) + new WhiteKernel(0.05), false, 1e-10),
        "B" => new(Matrix(R.XB, 5), R.YB, Matrix(R.XTestB, 5), () => new ConstantKernel(1.0) * new Matern([1.0, 1, 1, 1, 1], nu: 2.5) + new WhiteKernel(1.0),
            () => new ConstantKernel(2.0) * new Matern([0.5, 0.6, 0.9, 2.0, 3.0], nu: 2.5) + new WhiteKernel(0.1), true, 1e-10),
        "C" => new(Matrix(R.XC, 2), R.YC, Matrix(R.XTestC, 2), () => new RationalQuadratic(1.0, 1.0) + new WhiteKernel(0.1),
            () => new RationalQuadratic(0.9, 1.5) + new WhiteKernel(0.02), false, 1e-6),
        _ => throw new ArgumentException(tag),
    };

    private static double[] Field(string name) => (double[])typeof(R).GetField(name)!.GetValue(null)!;
    private static double Const(string name) => (double)typeof(R).GetField(name)!.GetValue(null)!;

    public static TheoryData<string> Tags => new(["A", "B", "C"]);

    [Theory, MemberData(nameof(Tags))]
    public void FixedHyperparametersGiveScikitLearnLikelihoodAndPredictions(string tag)
    {
        var s = Get(tag);
        var gp = new GaussianProcessRegressor(s.Fixed(), alpha: s.Alpha, normalizeY: s.Normalize, optimize: false).Fit(s.X, s.Y);
        Assert.Equal(Const("FixedLml" + tag), gp.LogMarginalLikelihoodValue, 1e-8);
        double lml = gp.LogMarginalLikelihood(gp.FittedKernel!.Theta, out var grad);
        Assert.Equal(Const("FixedLml" + tag), lml, 1e-8);
        KernelReferenceTests.Close(Field("FixedLmlGrad" + tag), grad, 1e-6, 1e-8, tag + " LML gradient");
        var (mean, std) = gp.Predict(s.XTest);
        KernelReferenceTests.Close(Field("FixedMean" + tag), mean, 1e-6, 1e-10, tag + " mean");
        KernelReferenceTests.Close(Field("FixedStd" + tag), std, 1e-6, 1e-10, tag + " std");
        var (mean2, cov) = gp.PredictCovariance(s.XTest);
        KernelReferenceTests.Close(mean, mean2, 1e-12, 1e-14, tag + " mean (covariance path)");
        KernelReferenceTests.Close(Field("FixedCov" + tag), cov.Cast<double>().ToArray(), 1e-6, 1e-10, tag + " covariance");
    }

    [Theory, MemberData(nameof(Tags))]
    public void FittedLikelihoodIsAtLeastScikitLearns(string tag)
    {
        var s = Get(tag);
        var gp = new GaussianProcessRegressor(s.Start(), alpha: s.Alpha, normalizeY: s.Normalize).Fit(s.X, s.Y);
        double reference = Const("FittedLml" + tag);
        Assert.True(gp.LogMarginalLikelihoodValue >= reference - 1e-3, $"{tag}: LML {gp.LogMarginalLikelihoodValue} < scikit-learn's {reference}");
        // The reported value is the likelihood at the fitted theta.
        Assert.Equal(gp.LogMarginalLikelihoodValue, gp.LogMarginalLikelihood(), 1e-9);
    }

    [Fact]
    public void LikelihoodGradientMatchesFiniteDifferences()
    {
        var s = Get("B");
        var gp = new GaussianProcessRegressor(s.Fixed(), normalizeY: true, optimize: false).Fit(s.X, s.Y);
        var theta = gp.FittedKernel!.Theta;
        gp.LogMarginalLikelihood(theta, out var grad);
        const double h = 1e-5;
        for (int t = 0; t < theta.Length; t++)
        {
            var p = (double[])theta.Clone(); p[t] += h;
            var m = (double[])theta.Clone(); m[t] -= h;
            double fd = (gp.LogMarginalLikelihood(p) - gp.LogMarginalLikelihood(m)) / (2 * h);
            Assert.True(Math.Abs(fd - grad[t]) <= 1e-5 * (1 + Math.Abs(fd)), $"theta {t}: analytic {grad[t]} vs FD {fd}");
        }
    }
}
