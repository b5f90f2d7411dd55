using System.Text.Json;
using Overfit.Landscape;
using Overfit.Optim;

namespace Overfit.Tests.Landscape;

/// <summary>curve_fit-style fitting against SciPy, and the chapter's weight-decay walk on the fitted Gaussian surface.</summary>
public class SurfaceFitTests
{
    // The chapter's printed popt (scipy's fit to its 30x30 surface) and first loss at (-1, 1).
    internal static readonly double[] ChapterPopt = [4.59165436, 0.34582255, -0.03204057, -1.09810435, 1.54530407];

    /// <summary>The offset implied by the chapter's printed first loss 4.7671 at the start (-1, 1).</summary>
    internal static double ChapterOffset => 4.7671 - GaussianSurface.Evaluate(ChapterPopt, 0, -1, 1);

    public static TheoryData<int> Cases => new() { 0, 1, 2 };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GaussianFitMatchesScipyCurveFit(int index)
    {
        // tests/fixtures/reference/landscape/curve_fit.json comes from make_curve_fit.py beside it (scipy.optimize.curve_fit).
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "landscape", "curve_fit.json")));
        var c = doc.RootElement.GetProperty("cases")[index];
        double[] Read(string name) => c.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var (fit, offset) = GaussianSurface.Fit(Read("x"), Read("y"), Read("z"));
        Assert.Equal(c.GetProperty("offset").GetDouble(), offset, 15);
        var popt = Read("popt");
        // σ enters squared: compare magnitudes (SciPy and we may land on either sign).
        for (int i = 0; i < 5; i++) Assert.Equal(Math.Abs(popt[i]), Math.Abs(fit.Parameters[i]), 1e-6 * Math.Max(1, Math.Abs(popt[i])));
        var pcov = c.GetProperty("pcov").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        for (int i = 0; i < 5; i++)
        {
            // Diagonals to 1e-4 relative (SciPy's Jacobian is a forward difference at its own solution).
            Assert.Equal(pcov[i][i], fit.Covariance[i, i], 1e-4 * pcov[i][i]);
            for (int j = 0; j < 5; j++)
            {
                double sign = Math.Sign(popt[i] * fit.Parameters[i]) * Math.Sign(popt[j] * fit.Parameters[j]);
                Assert.Equal(pcov[i][j], sign * fit.Covariance[i, j], 1e-4 * Math.Sqrt(pcov[i][i] * pcov[j][j]));
            }
        }
    }

    [Fact]
    public void CurveFitRecoversAnExactModelAndRejectsBadInput()
    {
        var x = Enumerable.Range(0, 20).Select(i => new[] { i / 10.0 }).ToArray();
        var y = x.Select(p => 2.5 * Math.Exp(-1.3 * p[0]) + 0.5).ToArray();
        var fit = CurveFit.Fit((p, q) => p[0] * Math.Exp(-p[1] * q[0]) + p[2], x, y, parameterCount: 3);
        Assert.Equal(2.5, fit.Parameters[0], 8);
        Assert.Equal(1.3, fit.Parameters[1], 8);
        Assert.Equal(0.5, fit.Parameters[2], 8);
        Assert.True(fit.SumOfSquares < 1e-16);
        Assert.Equal("ydata", Assert.Throws<ArgumentException>(() => CurveFit.Fit((p, q) => p[0], x, [1.0], parameterCount: 1)).ParamName);
    }

    [Fact]
    public void WeightDecayEndpointsReproduceTheChapter()
    {
        // The chapter's printed results (SGD lr 0.1, momentum 0.7, 200 iterations from (-1, 1), float32).
        (double Wd, double X, double Y, double Loss)[] printed =
            [(0, 0.3458, -0.0320, 1.9090), (6, 0.1327, -0.0077, 1.9952), (10, 0.0935, -0.0051, 2.0293), (18, 0.0587, -0.0030, 2.0641), (20, 0.0537, -0.0027, 2.0694)];
        var runs = SurfaceTrajectories.WeightDecaySweep(ChapterPopt, ChapterOffset, printed.Select(p => p.Wd).ToArray());
        for (int i = 0; i < printed.Length; i++)
        {
            Assert.Equal(4.7671, runs[i].FirstLoss, 1e-4);
            Assert.Equal(printed[i].X, runs[i].FinalPosition[0], 1e-4 + 1e-9);
            Assert.Equal(printed[i].Y, runs[i].FinalPosition[1], 1e-4 + 1e-9);
            Assert.Equal(printed[i].Loss, runs[i].FinalLoss, 1e-4 + 1e-9);
            Assert.Equal(201, runs[i].Path.Length);
        }
        // The first steps the chapter prints for wd 0 and wd 6.
        Assert.Equal(-0.8065, runs[0].FirstPosition[0], 1e-4);
        Assert.Equal(0.9251, runs[0].FirstPosition[1], 1e-4);
        Assert.Equal(-0.2065, runs[1].FirstPosition[0], 1e-4);
    }

    [Fact]
    public void TheSurfaceIsDifferentiableAndItsGradientMatchesTheClosedForm()
    {
        var surface = new GaussianSurface(ChapterPopt, ChapterOffset, [0.2, -0.4], Overfit.Tensors.DType.Float64);
        var loss = surface.Loss();
        loss.Backward();
        double h = 1e-6;
        double gx = (surface.Value(0.2 + h, -0.4) - surface.Value(0.2 - h, -0.4)) / (2 * h);
        double gy = (surface.Value(0.2, -0.4 + h) - surface.Value(0.2, -0.4 - h)) / (2 * h);
        Assert.Equal(gx, surface.Position.Grad![0], 8);
        Assert.Equal(gy, surface.Position.Grad![1], 8);
        Assert.Equal(surface.Value(0.2, -0.4), loss.Item(), 12);
        Assert.Equal("popt", Assert.Throws<ArgumentException>(() => new GaussianSurface([1, 2], 0)).ParamName);
    }
}
