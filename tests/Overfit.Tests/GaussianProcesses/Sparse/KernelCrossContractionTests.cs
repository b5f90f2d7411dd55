using Overfit.GaussianProcesses;

namespace Overfit.Tests.GaussianProcesses.Sparse;

/// <summary>
/// The cross and diagonal contractions that inducing-point models use, over every kernel of the contract suite:
/// values equal Σ W∘K(X, Y) and Σ w∘diag K(X), gradients match central differences in θ and in Y (Float64).
/// </summary>
public class KernelCrossContractionTests
{
    public static TheoryData<string> KernelNames => KernelContractTests.KernelNames;

    private const int N = 6, M = 4, D = 3;

    private static double[] Weights(int count, int salt)
    {
        var w = new double[count];
        for (int i = 0; i < count; i++) w[i] = Math.Cos(1.7 * i + salt) + 0.3;
        return w;
    }

    private static double CrossValue(Kernel k, double[] x, double[] y, double[] w)
    {
        var kxy = new double[N * M];
        k.Evaluate(x, N, y, M, D, kxy);
        double s = 0;
        for (int i = 0; i < kxy.Length; i++) s += w[i] * kxy[i];
        return s;
    }

    private static double DiagonalValue(Kernel k, double[] x, double[] w)
    {
        var diag = new double[N];
        k.Diagonal(x, N, D, diag);
        double s = 0;
        for (int i = 0; i < N; i++) s += w[i] * diag[i];
        return s;
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-7 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Theory, MemberData(nameof(KernelNames))]
    public void CrossContractionMatchesTheKernelMatrixAndCentralDifferences(string name)
    {
        var k = KernelContractTests.AllKernels()[name]();
        var x = KernelContractTests.Points(N, D, salt: 1);
        var y = KernelContractTests.Points(M, D, salt: 5);
        var w = Weights(N * M, 2);
        var grad = new double[k.ThetaCount];
        var gradY = new double[M * D];
        double value = k.ContractCrossGradients(x, N, y, M, D, w, grad, gradY);
        AssertClose(CrossValue(k, x, y, w), value, $"{name} value");
        var theta = k.Theta;
        const double h = 1e-6;
        for (int t = 0; t < theta.Length; t++)
        {
            var c = k.Clone();
            var tp = (double[])theta.Clone(); tp[t] += h; c.Theta = tp;
            double fp = CrossValue(c, x, y, w);
            var tm = (double[])theta.Clone(); tm[t] -= h; c.Theta = tm;
            double fm = CrossValue(c, x, y, w);
            AssertClose((fp - fm) / (2 * h), grad[t], $"{name} θ[{t}]");
        }
        for (int i = 0; i < y.Length; i++)
        {
            var yp = (double[])y.Clone(); yp[i] += h;
            var ym = (double[])y.Clone(); ym[i] -= h;
            AssertClose((CrossValue(k, x, yp, w) - CrossValue(k, x, ym, w)) / (2 * h), gradY[i], $"{name} Y[{i / D},{i % D}]");
        }
    }

    [Theory, MemberData(nameof(KernelNames))]
    public void DiagonalContractionMatchesTheDiagonalAndCentralDifferences(string name)
    {
        var k = KernelContractTests.AllKernels()[name]();
        var x = KernelContractTests.Points(N, D, salt: 3);
        var w = Weights(N, 4);
        var grad = new double[k.ThetaCount];
        double value = k.ContractDiagonalGradients(x, N, D, w, grad);
        AssertClose(DiagonalValue(k, x, w), value, $"{name} value");
        var theta = k.Theta;
        const double h = 1e-6;
        for (int t = 0; t < theta.Length; t++)
        {
            var c = k.Clone();
            var tp = (double[])theta.Clone(); tp[t] += h; c.Theta = tp;
            double fp = DiagonalValue(c, x, w);
            var tm = (double[])theta.Clone(); tm[t] -= h; c.Theta = tm;
            AssertClose((fp - DiagonalValue(c, x, w)) / (2 * h), grad[t], $"{name} θ[{t}]");
        }
    }

    [Fact]
    public void StationaryCrossContractionSplitsRowsAcrossCoresWithTheSameResult()
    {
        // 400×300 pairs take the parallel path; the generic default (stacked symmetric contraction) is the reference.
        var k = new Matern([0.7, 1.1, 0.9], nu: 2.5);
        int n = 400, m = 300;
        var x = KernelContractTests.Points(n, D, salt: 7);
        var y = KernelContractTests.Points(m, D, salt: 8);
        var w = Weights(n * m, 9);
        var g1 = new double[3]; var gy1 = new double[m * D];
        var g2 = new double[3]; var gy2 = new double[m * D];
        double v1 = k.ContractCrossGradients(x, n, y, m, D, w, g1, gy1);
        double v2 = DefaultCross(k, x, n, y, m, w, g2, gy2);
        AssertClose(v2, v1, "value");
        for (int t = 0; t < 3; t++) AssertClose(g2[t], g1[t], $"θ[{t}]");
        for (int i = 0; i < gy1.Length; i++) AssertClose(gy2[i], gy1[i], $"Y[{i}]");
    }

    /// <summary>The base class's generic implementation, reached through a wrapper that does not override it.</summary>
    private static double DefaultCross(Kernel k, double[] x, int n, double[] y, int m, double[] w, double[] g, double[] gy) =>
        new Unfused(k).ContractCrossGradients(x, n, y, m, D, w, g, gy);

    private sealed class Unfused(Kernel inner) : Kernel
    {
        public override IReadOnlyList<Hyperparameter> Hyperparameters => inner.Hyperparameters;
        public override Kernel Clone() => new Unfused(inner.Clone());
        public override void Evaluate(ReadOnlySpan<double> x, int n, ReadOnlySpan<double> y, int m, int d, Span<double> k) => inner.Evaluate(x, n, y, m, d, k);
        public override void EvaluateSymmetric(ReadOnlySpan<double> x, int n, int d, Span<double> k) => inner.EvaluateSymmetric(x, n, d, k);
        public override void Diagonal(ReadOnlySpan<double> x, int n, int d, Span<double> diag) => inner.Diagonal(x, n, d, diag);
        public override void HyperparameterGradients(ReadOnlySpan<double> x, int n, int d, Span<double> grads) => inner.HyperparameterGradients(x, n, d, grads);
        public override double ContractValueAndGradients(ReadOnlySpan<double> x, int n, int d, ReadOnlySpan<double> w, Span<double> grad) => inner.ContractValueAndGradients(x, n, d, w, grad);
        public override void InputGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int m, int d, Span<double> grad) => inner.InputGradient(x, y, m, d, grad);
    }
}
