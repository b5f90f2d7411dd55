using Overfit.GaussianProcesses;
using Overfit.Tensors;

namespace Overfit.Tests.GaussianProcesses;

/// <summary>Closed forms checked against values worked out by hand (2×2 and 3×3 cases).</summary>
public class MultivariateNormalTests
{
    // Σ = [[2, 1], [1, 2]]: det 3, Σ⁻¹ = [[2, −1], [−1, 2]] / 3.
    private static readonly MultivariateNormal Two = new([1.0, -1.0], new double[,] { { 2, 1 }, { 1, 2 } });

    [Fact]
    public void LogPdfMatchesHandComputation()
    {
        // x − μ = (1, 1): quadratic form (2 − 1 − 1 + 2)/3 = 2/3.
        double expected = -0.5 * (2.0 / 3.0) - 0.5 * Math.Log(3) - Math.Log(2 * Math.PI);
        Assert.Equal(expected, Two.LogPdf([2.0, 0.0]), 12);
        // 1-D: N(0.5; 0, 4) = −½·0.25/4 − ½ log 4 − ½ log 2π.
        var one = new MultivariateNormal([0.0], new double[,] { { 4 } });
        Assert.Equal(-0.5 * 0.25 / 4 - 0.5 * Math.Log(4) - 0.5 * Math.Log(2 * Math.PI), one.LogPdf([0.5]), 12);
    }

    [Fact]
    public void ConditionUsesTheSchurComplement()
    {
        // x1 | x2 = 1: μ = 1 + (1/2)(1 − (−1)) = 2, σ² = 2 − 1/2 = 1.5.
        var c = Two.Condition([1], [1.0]);
        Assert.Equal(2.0, c.Mean[0], 12);
        Assert.Equal(1.5, c.Covariance[0, 0], 12);
        // 3-D: Σ = [[4,2,0],[2,3,1],[0,1,2]], condition on x3 = 2 with μ = 0:
        // μ_a = Σ_ab/2 · 2 = (0, 1); Σ_aa − Σ_ab Σ_baᵀ/2 = [[4,2],[2,3−0.5]].
        var three = new MultivariateNormal([0, 0, 0], new double[,] { { 4, 2, 0 }, { 2, 3, 1 }, { 0, 1, 2 } });
        var c3 = three.Condition([2], [2.0]);
        Assert.Equal([0.0, 1.0], c3.Mean, (a, b) => Math.Abs(a - b) < 1e-12);
        var cov = c3.Covariance;
        Assert.Equal(4, cov[0, 0], 12); Assert.Equal(2, cov[0, 1], 12); Assert.Equal(2.5, cov[1, 1], 12);
    }

    [Fact]
    public void MarginalKeepsTheSelectedBlock()
    {
        var three = new MultivariateNormal([1, 2, 3], new double[,] { { 4, 2, 0 }, { 2, 3, 1 }, { 0, 1, 2 } });
        var m = three.Marginal([2, 0]);
        Assert.Equal([3.0, 1.0], m.Mean);
        Assert.Equal(new double[,] { { 2, 0 }, { 0, 4 } }, m.Covariance);
    }

    [Fact]
    public void SamplesAreSeededAndHaveTheRightMoments()
    {
        var a = Two.Sample(20000, new Generator(11));
        var b = Two.Sample(20000, new Generator(11));
        Assert.Equal(a, b);
        int n = a.GetLength(0);
        double m0 = 0, m1 = 0;
        for (int s = 0; s < n; s++) { m0 += a[s, 0]; m1 += a[s, 1]; }
        m0 /= n; m1 /= n;
        double c00 = 0, c01 = 0;
        for (int s = 0; s < n; s++) { c00 += (a[s, 0] - m0) * (a[s, 0] - m0); c01 += (a[s, 0] - m0) * (a[s, 1] - m1); }
        Assert.Equal(1.0, m0, 0.05);
        Assert.Equal(-1.0, m1, 0.05);
        Assert.Equal(2.0, c00 / n, 0.1);
        Assert.Equal(1.0, c01 / n, 0.1);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new MultivariateNormal([0, 0], new double[,] { { 1, 0.5 }, { 0.4, 1 } }));
        Assert.Throws<ArgumentException>(() => new MultivariateNormal([0, 0], new double[,] { { 1 } }));
        Assert.Throws<ArgumentException>(() => new MultivariateNormal([double.NaN], new double[,] { { 1 } }));
        Assert.Throws<ArgumentException>(() => Two.LogPdf([1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Two.Marginal([2]));
        Assert.Throws<ArgumentException>(() => Two.Marginal([0, 0]));
        Assert.Throws<ArgumentException>(() => Two.Condition([0, 1], [0.0, 0.0]));
        Assert.Throws<ArgumentException>(() => Two.Condition([0], [0.0, 1.0]));
    }
}
