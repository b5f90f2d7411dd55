using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>What a fit tells its caller besides the result: progress per likelihood evaluation, and bound warnings.</summary>
public class FitReportingTests
{
    private sealed class Recorder : IProgress<FitProgress>
    {
        public List<FitProgress> Reports { get; } = [];
        public void Report(FitProgress value) => Reports.Add(value);
    }

    [Fact]
    public void ProgressReportsEveryLikelihoodEvaluationOfEveryStart()
    {
        var x = new double[25, 1];
        var y = new double[25];
        for (int i = 0; i < 25; i++) { x[i, 0] = i * 0.4; y[i] = Math.Sin(x[i, 0]) + 0.05 * Math.Cos(11.0 * i); }
        var recorder = new Recorder();
        var gp = new GaussianProcessRegressor(new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(0.1), nRestartsOptimizer: 2, seed: 3)
        {
            Progress = recorder,
        }.Fit(x, y);
        var reports = recorder.Reports;
        Assert.Equal(Enumerable.Range(1, reports.Count), reports.Select(r => r.Evaluations));
        Assert.All(reports, r => Assert.Equal(3, r.Starts));
        Assert.Equal([1, 2, 3], reports.Select(r => r.Start).Distinct());
        // Value-only and value-and-gradient calls both count; the optimizer's own count has the value calls.
        Assert.True(reports.Count >= gp.OptimizerResults.Sum(r => r.Evaluations));
        // The best value seen never decreases and ends at the chosen optimum (the negated optimizer minimum).
        for (int i = 1; i < reports.Count; i++) Assert.True(reports[i].BestLogMarginalLikelihood >= reports[i - 1].BestLogMarginalLikelihood);
        Assert.Equal(-gp.OptimizerResults.Min(r => r.Value), reports[^1].BestLogMarginalLikelihood, 1e-9);
    }
}

public class BoundWarningTests
{
    [Fact]
    public void ConstantTargetsWarnLikeScikitLearnNamingEachHyperparameterAndBound()
    {
        var x = new double[10, 1];
        for (int i = 0; i < 10; i++) x[i, 0] = i / 9.0;
        var y = Enumerable.Repeat(3.0, 10).ToArray();
        var kernel = new ConstantKernel(1.0, lower: 1e-3, upper: 1e3) * new RBF(1.0, lower: 1e-2, upper: 1e2) + new WhiteKernel(0.1, lower: 1e-8, upper: 10);
        var gp = new GaussianProcessRegressor(kernel, normalizeY: true).Fit(x, y);
        // The three ConvergenceWarning texts printed by tests/fixtures/reference/gp/gp_bound_warnings.py (scikit-learn 1.2); the interior case is its second part.
        Assert.Equal(
        [
            "The optimal value found for dimension 0 of parameter k1__k1__constant_value is close to the specified lower bound 0.001. Decreasing the bound and calling fit again may find a better value.",
            "The optimal value found for dimension 0 of parameter k1__k2__length_scale is close to the specified upper bound 100.0. Increasing the bound and calling fit again may find a better value.",
            "The optimal value found for dimension 0 of parameter k2__noise_level is close to the specified lower bound 1e-08. Decreasing the bound and calling fit again may find a better value.",
        ], gp.Warnings);
    }

    [Fact]
    public void TheClassifierWarnsLikeScikitLearnToo()
    {
        var x = new double[12, 1];
        for (int i = 0; i < 12; i++) x[i, 0] = i / 11.0;
        var y = Enumerable.Range(0, 12).Select(i => i / 11.0 > 0.5 ? 1 : 0).ToArray();
        var gpc = new GaussianProcessClassifier(new ConstantKernel(1.0, lower: 1e-2, upper: 1e2) * new RBF(0.3, lower: 1e-2, upper: 1e1)).Fit(x, y);
        // tests/fixtures/reference/gp/gp_bound_warnings.py, third part (scikit-learn 1.2 fits 10**2 * RBF(length_scale=0.366)).
        Assert.Equal(["The optimal value found for dimension 0 of parameter k1__constant_value is close to the specified upper bound 100.0. Increasing the bound and calling fit again may find a better value."],
            gpc.Warnings);
    }

    [Fact]
    public void AnInteriorOptimumGivesNoBoundWarning()
    {
        var x = new double[20, 1];
        var y = new double[20];
        // scikit-learn 1.2 fits 1.11**2 * RBF(length_scale=1.27) + WhiteKernel(noise_level=0.0305) here, without a warning.
        for (int i = 0; i < 20; i++) { x[i, 0] = i * 0.5; y[i] = Math.Sin(x[i, 0]) + (i * 7919 % 13 - 6) / 20.0; }
        var gp = new GaussianProcessRegressor(new ConstantKernel(1.0) * new RBF(1.0) + new WhiteKernel(0.1), normalizeY: true).Fit(x, y);
        Assert.Empty(gp.Warnings);
        Assert.Equal(0.0305, ((WhiteKernel)((SumKernel)gp.FittedKernel!).K2).NoiseLevel, 5e-4);
        Assert.Equal("1e-05", Kernel.PythonFloat(1e-5));
        Assert.Equal("100000.0", Kernel.PythonFloat(1e5));
    }
}
