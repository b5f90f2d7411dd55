using Overfit.GaussianProcesses;
using Overfit.Tensors;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>
/// The LML and its gradient are a deterministic function of the hyperparameters: the same point gives the same bits
/// whatever was evaluated before and however the two-core factorization and inverse were scheduled (their split
/// depends on the sizes only). The optimizer's stopping rules compare values of neighbouring points, so round-off
/// that changed from call to call would be indistinguishable from progress.
/// </summary>
public class MarginalLikelihoodDeterminismTests
{
    [Fact]
    public void SamePointGivesTheSameBits()
    {
        // n = 300 exceeds the factorization's block width, so (on two or more cores) the concurrent Cholesky and
        // inverse run with more than one block column.
        const int n = 300, d = 3;
        var rng = new Generator(11);
        var x = new double[n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < d; k++) x[i * d + k] = rng.NextDouble();
            y[i] = Math.Sin(6 * x[i * d]) + x[i * d + 1] * x[i * d + 2] + 0.1 * rng.NextNormal();
        }
        var kernel = new ConstantKernel(2.0) * new Matern([0.5, 0.7, 1.3], nu: 2.5) + new WhiteKernel(0.05);
        double[] theta = kernel.Theta, other = [.. theta.Select(t => t + 0.01)];

        var first = new MarginalLikelihood(kernel.Clone(), x, n, d, y, 1e-10);
        var g1 = new double[theta.Length];
        double v1 = first.Evaluate(theta, g1);
        first.Evaluate(other, new double[theta.Length]); // overwrite the cached factor, then come back
        var g2 = new double[theta.Length];
        double v2 = first.Evaluate(theta, g2);
        var g3 = new double[theta.Length];
        double v3 = new MarginalLikelihood(kernel.Clone(), x, n, d, y, 1e-10).Evaluate(theta, g3);

        Assert.True(double.IsFinite(v1));
        Assert.Equal(BitConverter.DoubleToInt64Bits(v1), BitConverter.DoubleToInt64Bits(v2));
        Assert.Equal(BitConverter.DoubleToInt64Bits(v1), BitConverter.DoubleToInt64Bits(v3));
        for (int i = 0; i < theta.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(g1[i]), BitConverter.DoubleToInt64Bits(g2[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(g1[i]), BitConverter.DoubleToInt64Bits(g3[i]));
        }
    }
}
