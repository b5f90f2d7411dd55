using Overfit.Optim;
using Overfit.Tensors.Kernels;

namespace Overfit.GaussianProcesses;

/// <summary>
/// Binary GP classification with the logistic link and the Laplace approximation (GPML Algorithms 3.1, 3.2, 5.1),
/// following scikit-learn's implementation step for step so that fixed hyperparameters give the same numbers.
/// Labels are 0/1.
/// </summary>
internal sealed class BinaryLaplaceClassifier
{
    private const int MaxNewtonIterations = 100;
    private double[] _x = [];
    private double[] _y = [];
    private int _n, _d;
    private double[] _pi = [], _wSqrt = [], _l = [];

    public Kernel Kernel { get; private set; } = null!;
    public double LogMarginalLikelihoodValue { get; private set; }
    public IReadOnlyList<BoundedLbfgsResult> OptimizerResults { get; private set; } = [];

    private sealed record Mode(double Lml, double[] Pi, double[] WSqrt, double[] L, double[] A);

    public void Fit(Kernel kernel, double[] x, int n, int d, double[] y01, bool optimize, int restarts, Overfit.Tensors.Generator rng)
    {
        _x = x; _n = n; _d = d; _y = y01;
        Kernel = kernel;
        if (optimize && kernel.ThetaCount > 0)
        {
            int p = kernel.ThetaCount;
            var b = kernel.Bounds;
            var lower = new double[p];
            var upper = new double[p];
            for (int i = 0; i < p; i++) { lower[i] = b[i, 0]; upper[i] = b[i, 1]; }
            double Objective(double[] theta, double[] grad)
            {
                double v = LogMarginalLikelihood(theta, grad);
                if (!double.IsFinite(v)) return double.PositiveInfinity;
                for (int i = 0; i < p; i++) grad[i] = -grad[i];
                return -v;
            }
            var opt = new BoundedLbfgs();
            var results = new List<BoundedLbfgsResult> { opt.Minimize(Objective, kernel.Theta, lower, upper) };
            for (int r = 0; r < restarts; r++)
            {
                var start = new double[p];
                for (int i = 0; i < p; i++) start[i] = lower[i] + rng.NextDouble() * (upper[i] - lower[i]);
                results.Add(opt.Minimize(Objective, start, lower, upper));
            }
            OptimizerResults = results;
            var best = results.Where(r => double.IsFinite(r.Value)).MinBy(r => r.Value)
                ?? throw new InvalidOperationException("the Laplace log marginal likelihood was not finite at any optimizer start; bound the hyperparameters");
            kernel.Theta = best.X;
        }
        var k = new double[ExactInference.Elements(n, n, "K")];
        kernel.EvaluateSymmetric(x, n, d, k);
        var mode = PosteriorMode(k);
        LogMarginalLikelihoodValue = mode.Lml;
        _pi = mode.Pi; _wSqrt = mode.WSqrt; _l = mode.L;
    }

    /// <summary>Algorithm 3.1: Newton iterations for the mode of p(f | X, y); stops when the objective gains less than 1e-10.</summary>
    private Mode PosteriorMode(double[] k)
    {
        int n = _n;
        var f = new double[n];
        var pi = new double[n];
        var wSqrt = new double[n];
        var l = new double[k.Length];
        var b = new double[n];
        var a = new double[n];
        var t = new double[n];
        double lml = double.NegativeInfinity;
        for (int iter = 0; iter < MaxNewtonIterations; iter++)
        {
            for (int i = 0; i < n; i++)
            {
                pi[i] = 1.0 / (1.0 + Math.Exp(-f[i]));
                double w = pi[i] * (1 - pi[i]);
                wSqrt[i] = Math.Sqrt(w);
                b[i] = w * f[i] + (_y[i] - pi[i]);
            }
            // B = I + W½ K W½
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) l[i * n + j] = (i == j ? 1 : 0) + wSqrt[i] * k[i * n + j] * wSqrt[j];
            if (!DenseLinalg.TryCholesky(l, n, out _)) return new Mode(double.NegativeInfinity, pi, wSqrt, l, a);
            // a = b − W½ B⁻¹ (W½ K b)
            Gemm.Multiply(false, false, n, 1, n, 1.0, k, n, b, 1, 0.0, t, 1);
            for (int i = 0; i < n; i++) t[i] *= wSqrt[i];
            DenseLinalg.CholeskySolveInPlace(l, n, t, 1);
            for (int i = 0; i < n; i++) a[i] = b[i] - wSqrt[i] * t[i];
            Gemm.Multiply(false, false, n, 1, n, 1.0, k, n, a, 1, 0.0, f, 1);
            double value = 0;
            for (int i = 0; i < n; i++)
            {
                value += -0.5 * a[i] * f[i] - Log1pExp(-(_y[i] * 2 - 1) * f[i]);
                value -= Math.Log(l[i * n + i]);
            }
            if (value - lml < 1e-10) break;
            lml = value;
        }
        // Like scikit-learn: the returned value is the last improving objective; the temporaries are the last iteration's.
        return new Mode(lml, (double[])pi.Clone(), (double[])wSqrt.Clone(), l, a);
    }

    private static double Log1pExp(double z) => z > 35 ? z : Math.Log(1 + Math.Exp(z));

    /// <summary>Approximate log marginal likelihood and (when <paramref name="gradient"/> is given) Algorithm 5.1's gradient.</summary>
    public double LogMarginalLikelihood(double[] theta, double[]? gradient)
    {
        int n = _n;
        Kernel.Theta = theta;
        var k = new double[ExactInference.Elements(n, n, "K")];
        Kernel.EvaluateSymmetric(_x, n, _d, k);
        var mode = PosteriorMode(k);
        if (gradient is null || !double.IsFinite(mode.Lml)) return mode.Lml;
        int p = Kernel.ThetaCount;
        var (pi, ws, l, a) = (mode.Pi, mode.WSqrt, mode.L, mode.A);
        // R = W½ B⁻¹ W½
        var r = new double[k.Length];
        DenseLinalg.InverseFromCholesky(l, n, r);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) r[i * n + j] *= ws[i] * ws[j];
        // C = L⁻¹ W½ K; s2 = −½ (diag K − diag CᵀC) · π(1−π)(1−2π)
        var c = new double[k.Length];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) c[i * n + j] = ws[i] * k[i * n + j];
        DenseLinalg.SolveLowerInPlace(l, n, c, n);
        var s2 = new double[n];
        for (int j = 0; j < n; j++)
        {
            double cc = 0;
            for (int i = 0; i < n; i++) cc += c[i * n + j] * c[i * n + j];
            s2[j] = -0.5 * (k[j * n + j] - cc) * (pi[j] * (1 - pi[j]) * (1 - 2 * pi[j]));
        }
        var dk = new double[ExactInference.Elements((long)p * n, n, "dK/dθ")];
        Kernel.HyperparameterGradients(_x, n, _d, dk);
        var resid = new double[n];
        for (int i = 0; i < n; i++) resid[i] = _y[i] - pi[i];
        var bv = new double[n];
        var rb = new double[n];
        var krb = new double[n];
        for (int t = 0; t < p; t++)
        {
            var ct = new ReadOnlySpan<double>(dk, t * k.Length, k.Length);
            double s1 = 0;
            for (int i = 0; i < n; i++)
            {
                double rowA = 0, bi = 0;
                for (int j = 0; j < n; j++)
                {
                    double cij = ct[i * n + j];
                    rowA += cij * a[j];
                    s1 -= 0.5 * r[j * n + i] * cij; // Rᵀ : C
                    bi += cij * resid[j];
                }
                s1 += 0.5 * a[i] * rowA;
                bv[i] = bi;
            }
            Gemm.Multiply(false, false, n, 1, n, 1.0, r, n, bv, 1, 0.0, rb, 1);
            Gemm.Multiply(false, false, n, 1, n, 1.0, k, n, rb, 1, 0.0, krb, 1);
            double s23 = 0;
            for (int i = 0; i < n; i++) s23 += s2[i] * (bv[i] - krb[i]);
            gradient[t] = s1 + s23;
        }
        return mode.Lml;
    }

    /// <summary>Algorithm 3.2 with scikit-learn's five-erf approximation of the logistic-Gaussian integral: P(class 1).</summary>
    public double[] PredictProbability(double[] xs, int m)
    {
        int n = _n;
        var kt = new double[ExactInference.Elements(n, m, "K(X, X*)")];
        Kernel.Evaluate(_x, n, xs, m, _d, kt);
        var fStar = new double[m];
        var resid = new double[n];
        for (int i = 0; i < n; i++) resid[i] = _y[i] - _pi[i];
        Gemm.Multiply(true, false, m, 1, n, 1.0, kt, m, resid, 1, 0.0, fStar, 1);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) kt[i * m + j] *= _wSqrt[i];
        DenseLinalg.SolveLowerInPlace(_l, n, kt, m);
        var variance = new double[m];
        Kernel.Diagonal(xs, m, _d, variance);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) variance[j] -= kt[i * m + j] * kt[i * m + j];
        var p = new double[m];
        for (int j = 0; j < m; j++) p[j] = LogisticGaussianIntegral(fStar[j], variance[j]);
        return p;
    }

    private static readonly double[] Lambdas = [0.41, 0.4, 0.37, 0.44, 0.39];
    private static readonly double[] Coefs = [-1854.8214151, 3516.89893646, 221.29346712, 128.12323805, -2010.49422654];

    /// <summary>∫ σ(z) N(z | f, v) dz ≈ Σ c_i ∫ ½(1+erf(λ_i z)) N(z | f, v) dz (Williams and Barber, appendix A).</summary>
    internal static double LogisticGaussianIntegral(double f, double variance)
    {
        double alpha = 1 / (2 * variance), s = 0, coefSum = 0;
        for (int i = 0; i < 5; i++)
        {
            double lam = Lambdas[i], gamma = lam * f;
            double integral = Math.Sqrt(Math.PI / alpha) * MathNet.Numerics.SpecialFunctions.Erf(gamma * Math.Sqrt(alpha / (alpha + lam * lam)))
                / (2 * Math.Sqrt(variance * 2 * Math.PI));
            s += Coefs[i] * integral;
            coefSum += Coefs[i];
        }
        return s + 0.5 * coefSum;
    }
}
