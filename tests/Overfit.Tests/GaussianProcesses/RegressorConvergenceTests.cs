using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>
/// scikit-learn's test_converged_to_local_maximum (sklearn/gaussian_process/tests/test_gpr.py): at the fitted
/// hyperparameters every LML gradient entry is below 1e-4 in magnitude unless its hyperparameter sits on a bound.
/// </summary>
public class RegressorConvergenceTests
{
    // scikit-learn's test data: X = [1, 3, 5, 6, 7, 8]ᵀ, y = x·sin(x).
    private static readonly double[,] X = { { 1 }, { 3 }, { 5 }, { 6 }, { 7 }, { 8 } };
    private static readonly double[] Y = [.. new double[] { 1, 3, 5, 6, 7, 8 }.Select(x => x * Math.Sin(x))];

    // scikit-learn's non-fixed kernels of that test.
    public static TheoryData<int> Kernels => new([0, 1, 2, 3, 4]);

    private static Kernel Make(int i) => i switch
    {
        0 => new RBF(1.0),
        1 => new RBF(1.0, 1e-3, 1e3),
        2 => new ConstantKernel(1.0, 1e-2, 1e2) * new RBF(1.0, 1e-3, 1e3),
        3 => new ConstantKernel(1.0, 1e-2, 1e2) * new RBF(1.0, 1e-3, 1e3) + new ConstantKernel(1e-5, 1e-5, 1e2),
        _ => new ConstantKernel(0.1, 1e-2, 1e2) * new RBF(1.0, 1e-3, 1e3) + new ConstantKernel(1e-5, 1e-5, 1e2),
    };

    [Theory, MemberData(nameof(Kernels))]
    public void FittedHyperparametersAreALocalMaximum(int kernel)
    {
        var gp = new GaussianProcessRegressor(Make(kernel)).Fit(X, Y);
        AssertStationary(gp);
    }

    private static void AssertStationary(GaussianProcessRegressor gp)
    {
        var theta = gp.FittedKernel!.Theta;
        var bounds = gp.FittedKernel.Bounds;
        gp.LogMarginalLikelihood(theta, out var gradient);
        for (int i = 0; i < theta.Length; i++)
            Assert.True(Math.Abs(gradient[i]) < 1e-4 || theta[i] == bounds[i, 0] || theta[i] == bounds[i, 1],
                $"theta[{i}] = {theta[i]} (bounds [{bounds[i, 0]}, {bounds[i, 1]}]): LML gradient {gradient[i]}; optimizer: {gp.OptimizerResults[0].Message}");
    }
}
