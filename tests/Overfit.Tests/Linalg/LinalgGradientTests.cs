using Overfit.Autograd;
using Overfit.Tensors;
using L = Overfit.Tensors.Linalg;

namespace Overfit.Tests.Linalg;

/// <summary>Gradient checks (central differences, Float64) for every differentiable Linalg op.</summary>
public sealed class LinalgGradientTests
{
    private static Tensor Leaf(Tensor t) { t.RequiresGrad = true; return t; }

    /// <summary>X ↦ X + Xᵀ + 2n·I: an SPD matrix built differentiably from an arbitrary square X.</summary>
    private static Tensor Spd(Tensor x)
    {
        int n = x.Size(0);
        return x.Add(x.T).Add(Tensor.Eye(n, dtype: DType.Float64).Mul(2.0 * n));
    }

    private static void AssertPasses(GradCheck.Result r) => Assert.True(r.Passed, r.Message);

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public void CholeskyGradient(int n)
    {
        var x = Leaf(Tensor.Randn([n, n], new Generator((ulong)n), DType.Float64));
        AssertPasses(GradCheck.Check(t => L.Cholesky(Spd(t[0])), [x]));
    }

    [Fact]
    public void CholeskyGradientThroughTheBlockedPath()
    {
        // 130 ≥ the blocking threshold; check a handful of elements via a scalar function of L.
        int n = 130;
        var x = Tensor.Randn([n, n], new Generator(5), DType.Float64).Mul(0.1);
        var a = Spd(x).Detach();
        a.RequiresGrad = true;
        var w = Tensor.Randn([n, n], new Generator(6), DType.Float64);
        Func<Tensor, double> f = m => L.Cholesky(m).Mul(w).Sum().Item();
        var grad = Overfit.Autograd.Autograd.Gradient(L.Cholesky(a).Mul(w).Sum(), [a])[0];
        var data = a.ToDoubleArray();
        foreach (var (i, j) in new[] { (0, 0), (5, 3), (129, 0), (100, 97), (128, 128) })
        {
            // Perturb A symmetrically; the analytic gradient is symmetric, so the directional derivative is g_ij + g_ji.
            double eps = 1e-6;
            var plus = (double[])data.Clone(); var minus = (double[])data.Clone();
            plus[i * n + j] += eps; minus[i * n + j] -= eps;
            if (i != j) { plus[j * n + i] += eps; minus[j * n + i] -= eps; }
            double numeric = (f(Tensor.FromArray(plus, [n, n])) - f(Tensor.FromArray(minus, [n, n]))) / (2 * eps);
            double analytic = grad[i, j] + (i != j ? grad[j, i] : 0);
            Assert.True(Math.Abs(numeric - analytic) < 1e-5 * (1 + Math.Abs(numeric)), $"({i},{j}): numeric {numeric}, analytic {analytic}");
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void SolveTriangularGradient(bool lower, bool transpose)
    {
        int n = 5;
        var t = Tensor.Randn([n, n], new Generator(1), DType.Float64).Mul(0.3).Add(Tensor.Eye(n, dtype: DType.Float64).Mul(2));
        t = Leaf(t.Detach());
        var b = Leaf(Tensor.Randn([n, 3], new Generator(2), DType.Float64));
        AssertPasses(GradCheck.Check(v => L.SolveTriangular(v[0], v[1], lower, transpose), [t, b]));
        var vec = Leaf(Tensor.Randn([n], new Generator(3), DType.Float64));
        AssertPasses(GradCheck.Check(v => L.SolveTriangular(v[0], v[1], lower, transpose), [t, vec]));
    }

    [Fact]
    public void CholeskySolveGradient()
    {
        var x = Leaf(Tensor.Randn([4, 4], new Generator(8), DType.Float64));
        var b = Leaf(Tensor.Randn([4, 2], new Generator(9), DType.Float64));
        AssertPasses(GradCheck.Check(v => L.CholeskySolve(v[1], L.Cholesky(Spd(v[0]))), [x, b]));
    }

    [Fact]
    public void LogDetGradient()
    {
        var x = Leaf(Tensor.Randn([5, 5], new Generator(10), DType.Float64));
        AssertPasses(GradCheck.Check(v => L.LogDet(Spd(v[0])), [x]));
    }

    [Fact]
    public void GradientOfLogDetIsTheInverse()
    {
        var a = Leaf(Tensor.FromArray(new double[] { 4, 1, 1, 3 }, [2, 2]));
        L.LogDet(a).Backward();
        var g = a.Grad!.ToDoubleArray();
        Assert.Equal(new[] { 3 / 11.0, -1 / 11.0, -1 / 11.0, 4 / 11.0 }, g.Select(v => Math.Round(v, 14)).ToArray(),
            (p, q) => Math.Abs(p - q) < 1e-13);
    }
}
