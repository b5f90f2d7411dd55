using Overfit.Optim;

namespace Overfit.Tests.Optim;

/// <summary>The one bounded L-BFGS: minima, bounds, fixed variables and SciPy fmin_l_bfgs_b's four stopping rules.</summary>
public class BoundedLbfgsTests
{
    private static double Rosenbrock(double[] x, double[] g)
    {
        double a = 1 - x[0], b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    }

    [Fact]
    public void FindsTheUnconstrainedMinimum()
    {
        var r = new BoundedLbfgs().Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [5, 5]);
        Assert.Equal(1.0, r.X[0], 1e-3);
        Assert.Equal(1.0, r.X[1], 1e-3);
        Assert.True(r.Converged, r.Message);
        var tight = new BoundedLbfgs { MaxIterations = 500, Pgtol = 1e-8, Factr = 10 }.Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [5, 5]);
        Assert.Equal(1.0, tight.X[0], 1e-4);
        Assert.Equal(1.0, tight.X[1], 1e-4);
    }

    [Fact]
    public void StopsOnAnActiveBound()
    {
        // With x0 ≤ 0.5 the constrained minimum of Rosenbrock is at (0.5, 0.25).
        var r = new BoundedLbfgs().Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [0.5, 5]);
        Assert.Equal(0.5, r.X[0], 1e-6);
        Assert.Equal(0.25, r.X[1], 1e-3);
    }

    [Fact]
    public void RespectsBoundsAndFixedVariables()
    {
        // minimum of (x-3)^2 + (y+2)^2 + (z-1)^2 over [0,1]x[0,1]x[0.5,0.5]
        var r = new BoundedLbfgs().Minimize((x, g) =>
        {
            g[0] = 2 * (x[0] - 3); g[1] = 2 * (x[1] + 2); g[2] = 2 * (x[2] - 1);
            return Math.Pow(x[0] - 3, 2) + Math.Pow(x[1] + 2, 2) + Math.Pow(x[2] - 1, 2);
        }, [0.5, 0.5, 0.5], [0, 0, 0.5], [1, 1, 0.5]);
        Assert.Equal([1.0, 0.0, 0.5], r.X);
        Assert.True(r.Converged);
        Assert.Equal(LbfgsStopReason.ProjectedGradientBelowTolerance, r.Reason);
    }

    [Fact]
    public void RejectsEmptyBounds()
    {
        var e = Assert.Throws<ArgumentException>(() => new BoundedLbfgs().Minimize(Rosenbrock, [0, 0], [1, 1], [0, 2]));
        Assert.Contains("lower 1 and upper 0", e.Message);
    }

    [Fact]
    public void ReportsTheIterationAndEvaluationLimits()
    {
        var iters = new BoundedLbfgs { MaxIterations = 3 }.Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [5, 5]);
        Assert.Equal(LbfgsStopReason.MaxIterationsReached, iters.Reason);
        Assert.Equal(3, iters.Iterations);
        Assert.False(iters.Converged);
        var evals = new BoundedLbfgs { MaxFunctionEvaluations = 5 }.Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [5, 5]);
        Assert.Equal(LbfgsStopReason.MaxFunctionEvaluationsReached, evals.Reason);
        Assert.True(evals.Evaluations > 5);
    }

    [Fact]
    public void RelativeReductionRuleIsFactrTimesEpsilon()
    {
        // ftol = factr·eps = 0.5: the run ends at the first iteration whose reduction is at most half of max(|f|, 1).
        var loose = new BoundedLbfgs { Factr = 0.5 / 2.220446049250313e-16, Pgtol = 0 }.Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [5, 5]);
        var full = new BoundedLbfgs().Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [5, 5]);
        Assert.Equal(LbfgsStopReason.RelativeReductionBelowTolerance, loose.Reason);
        Assert.True(loose.Iterations < full.Iterations, $"{loose.Iterations} vs {full.Iterations}");
        Assert.True(loose.Value > full.Value);
    }

    [Fact]
    public void LazyAndEagerGradientsFollowTheSamePath()
    {
        var eager = new BoundedLbfgs().Minimize(Rosenbrock, [-1.2, 1.0], [-5, -5], [5, 5]);
        var lazy = new BoundedLbfgs().MinimizeWithLazyGradient((x, g) => Rosenbrock(x, g ?? new double[2]), [-1.2, 1.0], [-5, -5], [5, 5]);
        Assert.Equal(eager.X, lazy.X);
        Assert.Equal(eager.Iterations, lazy.Iterations);
        Assert.Equal(eager.Reason, lazy.Reason);
    }

    [Fact]
    public void NonFiniteStartIsReportedNotThrown()
    {
        var r = new BoundedLbfgs().Minimize((x, g) => double.NaN, [0.0], [-1], [1]);
        Assert.Equal(LbfgsStopReason.NonFiniteStart, r.Reason);
        Assert.Equal(0, r.Iterations);
    }

    [Fact]
    public void ExtrapolationCrossesAConcaveSlopeToTheBound()
    {
        // f = −x²/1000 on [0, 1000] from x = 1 is concave: every curvature pair has sᵀy < 0 and is skipped, so the memory
        // stays empty and each steepest-descent step has length 1 (one unit of x per iteration, hundreds of iterations).
        // Extending accepted full steps (L-BFGS-B's extrapolating line search) reaches the minimum at the bound at once.
        static double F(double[] x, double[]? g)
        {
            if (g is not null) g[0] = -2 * x[0] / 1000;
            return -x[0] * x[0] / 1000;
        }
        var plain = new BoundedLbfgs().MinimizeWithLazyGradient(F, [1.0], [0.0], [1000.0]);
        var extended = new BoundedLbfgs { Extrapolation = true }.MinimizeWithLazyGradient(F, [1.0], [0.0], [1000.0]);
        Assert.Equal(1000.0, extended.X[0]);
        Assert.Equal(LbfgsStopReason.ProjectedGradientBelowTolerance, extended.Reason);
        Assert.True(extended.Evaluations < 60, $"{extended.Evaluations} evaluations");
        Assert.True(plain.Evaluations > 10 * extended.Evaluations, $"plain run: x = {plain.X[0]}, {plain.Evaluations} evaluations; extended {extended.Evaluations}");
    }
}
