using Overfit.GaussianProcesses;
using Overfit.Tensors.Kernels;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>One suite over every kernel, composites included: the properties every covariance function must have.</summary>
public class KernelContractTests
{
    public static TheoryData<string> KernelNames => new(AllKernels().Keys);

    internal static Dictionary<string, Func<Kernel>> AllKernels() => new()
    {
        ["Constant"] = () => new ConstantKernel(1.7),
        ["White"] = () => new WhiteKernel(0.3),
        ["RbfIso"] = () => new RBF(0.9),
        ["RbfArd"] = () => new RBF([0.7, 1.3, 2.0]),
        ["Matern12"] = () => new Matern([0.8, 1.1, 1.9], nu: 0.5),
        ["Matern32"] = () => new Matern(1.2, nu: 1.5),
        ["Matern52Ard"] = () => new Matern([0.6, 1.4, 0.9], nu: 2.5),
        ["RationalQuadratic"] = () => new RationalQuadratic(1.1, alpha: 0.8),
        ["ExpSineSquared"] = () => new ExpSineSquared(1.3, periodicity: 2.7),
        ["DotProduct"] = () => new DotProduct(0.7),
        ["ScaledMaternPlusWhite"] = () => new ConstantKernel(2.0) * new Matern([0.6, 1.4, 0.9], nu: 2.5) + new WhiteKernel(0.2),
        ["RbfTimesPeriodic"] = () => new RBF(1.5) * new ExpSineSquared(0.9, 1.7),
        ["SumOfThree"] = () => 1.5 * new RBF(0.8) + new RationalQuadratic(0.7, 2.0) + new DotProduct(0.4),
        ["ConstantTimesSum"] = () => new ConstantKernel(0.7) * (new RBF(0.8) + new WhiteKernel(0.2)),
        ["SumTimesConstant"] = () => (new Matern([0.5, 0.9, 1.2], nu: 2.5) + new DotProduct(0.3)) * new ConstantKernel(1.9, isFixed: true),
        ["FixedPart"] = () => new ConstantKernel(1.3, isFixed: true) * new RBF([0.9, 1.1, 1.3]) + new WhiteKernel(0.1, isFixed: true),
        ["Matern07Ard"] = () => new Matern([0.8, 1.2, 1.5], nu: 0.7),
        ["Matern1"] = () => new Matern(1.1, nu: 1.0),
        ["Matern3"] = () => new Matern(0.9, nu: 3.0),
        ["Matern45Ard"] = () => new Matern([0.6, 1.4, 0.9], nu: 4.5),
        ["MaternInfinity"] = () => new Matern(1.3, nu: double.PositiveInfinity),
        ["ExponentiationOfRq"] = () => new Exponentiation(new RationalQuadratic(0.9, alpha: 1.2), 3.0),
        ["ExponentiationOfSum"] = () => (new ConstantKernel(1.5) * new Matern([0.7, 1.0, 1.6], nu: 1.5) + new ConstantKernel(0.3)).Pow(1.7),
        ["PairwiseLinear"] = () => new PairwiseKernel(PairwiseMetric.Linear, 0.8),
        ["PairwisePolynomial"] = () => new PairwiseKernel(PairwiseMetric.Polynomial, 0.3, degree: 2, coef0: 1.5),
        ["PairwiseSigmoid"] = () => new PairwiseKernel(PairwiseMetric.Sigmoid, 0.2, coef0: 0.1),
        ["ScaledPolynomialPlusWhite"] = () => new ConstantKernel(0.5) * new PairwiseKernel(PairwiseMetric.Polynomial, 0.7, degree: 3) + new WhiteKernel(0.1),
    };

    // Distinct points in 3-D (deterministic, no coincident pairs so that every kernel is differentiable everywhere).
    internal static double[] Points(int n, int d, int salt = 0)
    {
        var x = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++) x[i * d + k] = 1.7 * Math.Sin(0.9 * i + 1.3 * k + 0.4 * salt) + 0.1 * i * (k + 1) / n;
        return x;
    }

    private const int N = 7, D = 3;

    private static bool ContainsWhite(Kernel k) => k is WhiteKernel || (k is BinaryKernel b && (ContainsWhite(b.K1) || ContainsWhite(b.K2)));

    [Theory, MemberData(nameof(KernelNames))]
    public void KernelMatrixIsSymmetricAndMatchesCrossEvaluation(string name)
    {
        var k = AllKernels()[name]();
        var x = Points(N, D);
        var kx = new double[N * N];
        k.EvaluateSymmetric(x, N, D, kx);
        var kxy = new double[N * N];
        k.Evaluate(x, N, x, N, D, kxy);
        var diag = new double[N];
        k.Diagonal(x, N, D, diag);
        bool hasWhite = ContainsWhite(k);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
            {
                Assert.Equal(kx[i * N + j], kx[j * N + i], 12);
                // Off the diagonal K(X) and K(X, X) agree; on it they differ only by white noise.
                if (i != j || !hasWhite) Assert.Equal(kx[i * N + j], kxy[i * N + j], 10);
            }
        for (int i = 0; i < N; i++) Assert.Equal(kx[i * N + i], diag[i], 12);
    }

    /// <summary>Every kernel but the sigmoid: tanh(γ·x·x' + c) is not positive semidefinite in general (in scikit-learn neither).</summary>
    public static TheoryData<string> PositiveSemidefiniteKernelNames => new(AllKernels().Keys.Where(k => k != "PairwiseSigmoid"));

    [Theory, MemberData(nameof(PositiveSemidefiniteKernelNames))]
    public void KernelMatrixIsPositiveSemidefinite(string name)
    {
        var k = AllKernels()[name]();
        // exp(-2 sin^2(pi |x-x'| / p) / l^2) is positive definite on the line only: with Euclidean distances in
        // several dimensions it can have negative eigenvalues (in scikit-learn as well), so it is checked in 1-D.
        int d = name == "ExpSineSquared" ? 1 : D;
        var x = Points(N, d);
        var kx = new double[N * N];
        k.EvaluateSymmetric(x, N, d, kx);
        double meanDiag = Enumerable.Range(0, N).Average(i => kx[i * N + i]);
        for (int i = 0; i < N; i++) kx[i * N + i] += 1e-9 * meanDiag;
        Assert.True(DenseLinalg.TryCholesky(kx, N, out int pivot), $"{name}: Cholesky failed at pivot {pivot}");
    }

    [Theory, MemberData(nameof(KernelNames))]
    public void ThetaRoundTripsAndBoundsMatchTheta(string name)
    {
        var k = AllKernels()[name]();
        var theta = k.Theta;
        Assert.Equal(theta.Length, k.ThetaCount);
        Assert.Equal(theta.Length, k.Bounds.GetLength(0));
        Assert.Equal(theta.Length, k.ThetaNames.Length);
        var shifted = theta.Select((t, i) => t + 0.1 * (i + 1)).ToArray();
        k.Theta = shifted;
        Assert.Equal(shifted, k.Theta, (a, b) => Math.Abs(a - b) < 1e-12);
        var clone = k.Clone();
        Assert.Equal(shifted, clone.Theta, (a, b) => Math.Abs(a - b) < 1e-12);
        clone.Theta = theta;
        Assert.Equal(shifted, k.Theta, (a, b) => Math.Abs(a - b) < 1e-12); // clones do not share storage
        Assert.Throws<ArgumentException>(() => k.Theta = new double[theta.Length + 1]);
    }

    [Theory, MemberData(nameof(KernelNames))]
    public void HyperparameterGradientsMatchFiniteDifferences(string name)
    {
        var k = AllKernels()[name]();
        var x = Points(N, D);
        int p = k.ThetaCount, nn = N * N;
        var g = new double[p * nn];
        k.HyperparameterGradients(x, N, D, g);
        var theta = k.Theta;
        const double h = 1e-6;
        for (int t = 0; t < p; t++)
        {
            var plus = (double[])theta.Clone(); plus[t] += h;
            var minus = (double[])theta.Clone(); minus[t] -= h;
            var kp = new double[nn];
            var km = new double[nn];
            k.Theta = plus; k.EvaluateSymmetric(x, N, D, kp);
            k.Theta = minus; k.EvaluateSymmetric(x, N, D, km);
            k.Theta = theta;
            for (int i = 0; i < nn; i++)
            {
                double fd = (kp[i] - km[i]) / (2 * h);
                Assert.True(Math.Abs(fd - g[t * nn + i]) <= 1e-6 * (1 + Math.Abs(fd)), $"{name} theta {t} entry {i}: analytic {g[t * nn + i]} vs FD {fd}");
            }
        }
    }

    [Theory, MemberData(nameof(KernelNames))]
    public void FusedContractionEqualsMaterializedGradient(string name)
    {
        var k = AllKernels()[name]();
        int n = 300; // above PairParallel's serial threshold, so the parallel chunks of the fused loops run
        var x = Points(n, D, salt: 3);
        int p = k.ThetaCount, nn = n * n;
        var w = new double[nn];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) w[i * n + j] = w[j * n + i] = Math.Cos(0.37 * i + 0.11 * j);
        var g = new double[p * nn];
        k.HyperparameterGradients(x, n, D, g);
        var fused = new double[p];
        k.ContractHyperparameterGradients(x, n, D, w, fused);
        var fused2 = new double[p];
        double value = k.ContractValueAndGradients(x, n, D, w, fused2);
        var kx = new double[nn];
        k.EvaluateSymmetric(x, n, D, kx);
        var kxy = new double[nn];
        k.Evaluate(x, n, x, n, D, kxy);
        var diag = new double[n];
        k.Diagonal(x, n, D, diag);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                // The parallel, tiled symmetric path agrees with the plain cross evaluation (white noise aside).
                Assert.Equal(kx[i * n + j], kx[j * n + i]);
                // (a tolerance, not rounding to 12 decimals: the two paths round r² differently in the last bit)
                if (i != j) Assert.True(Math.Abs(kxy[i * n + j] - kx[i * n + j]) <= 1e-12, $"K(X, X)[{i},{j}] = {kxy[i * n + j]}, K(X) {kx[i * n + j]}");
                else Assert.Equal(diag[i], kx[i * n + i], 12);
            }
        double expectedValue = 0;
        for (int i = 0; i < nn; i++) expectedValue += w[i] * kx[i];
        Assert.True(Math.Abs(value - expectedValue) <= 1e-9 * (1 + Math.Abs(expectedValue)), $"{name}: Σ W∘K fused {value} vs {expectedValue}");
        for (int t = 0; t < p; t++)
        {
            double s = 0;
            for (int i = 0; i < nn; i++) s += w[i] * g[t * nn + i];
            Assert.True(Math.Abs(s - fused[t]) <= 1e-9 * (1 + Math.Abs(s)), $"{name} theta {t}: fused {fused[t]} vs materialized {s}");
            Assert.True(Math.Abs(s - fused2[t]) <= 1e-9 * (1 + Math.Abs(s)), $"{name} theta {t}: fused with value {fused2[t]} vs materialized {s}");
        }
    }

    [Theory, MemberData(nameof(KernelNames))]
    public void InputGradientsMatchFiniteDifferences(string name)
    {
        var k = AllKernels()[name]();
        int m = 5;
        var y = Points(m, D, salt: 1);
        var x = new[] { 0.3, -0.45, 0.8 };
        var g = new double[m * D];
        k.InputGradient(x, y, m, D, g);
        const double h = 1e-6;
        for (int c = 0; c < D; c++)
        {
            var xp = (double[])x.Clone(); xp[c] += h;
            var xm = (double[])x.Clone(); xm[c] -= h;
            var kp = new double[m];
            var km = new double[m];
            k.Evaluate(xp, 1, y, m, D, kp);
            k.Evaluate(xm, 1, y, m, D, km);
            for (int j = 0; j < m; j++)
            {
                double fd = (kp[j] - km[j]) / (2 * h);
                Assert.True(Math.Abs(fd - g[j * D + c]) <= 1e-6 * (1 + Math.Abs(fd)), $"{name} dim {c} point {j}: analytic {g[j * D + c]} vs FD {fd}");
            }
        }
    }
}
