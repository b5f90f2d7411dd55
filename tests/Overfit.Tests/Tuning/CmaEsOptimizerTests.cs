using System.Text.Json;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class CmaEsOptimizerTests
{
    private static double Sphere(double[] x) => x.Sum(v => (v - 0.5) * (v - 0.5));

    private static double Ellipsoid(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Pow(1e3, i / (x.Length - 1.0)) * (x[i] - 1) * (x[i] - 1);
        return s;
    }

    private static double Minimize(CmaEsOptimizer opt, Func<double[], double> f, int generations)
    {
        double best = double.PositiveInfinity;
        for (int g = 0; g < generations; g++)
        {
            var pop = new List<(double[], double)>();
            for (int k = 0; k < opt.PopulationSize; k++)
            {
                var x = opt.Ask();
                double v = f(x);
                best = Math.Min(best, v);
                pop.Add((x, v));
            }
            opt.Tell(pop);
        }
        return best;
    }

    [Fact]
    public void ConvergesOnSphere()
    {
        var opt = new CmaEsOptimizer(new double[5], 1.0, seed: 1);
        double best = Minimize(opt, Sphere, 150);
        Assert.True(best < 1e-12, $"best {best}");
        Assert.All(opt.Mean.ToArray(), m => Assert.Equal(0.5, m, 1e-5));
    }

    [Fact]
    public void ConvergesOnIllConditionedEllipsoid()
    {
        // Condition number 1e6 in f; the covariance must learn the scaling for the step size to keep shrinking.
        var opt = new CmaEsOptimizer(new double[6], 0.5, seed: 7);
        double best = Minimize(opt, Ellipsoid, 400);
        Assert.True(best < 1e-8, $"best {best}");
        var c = opt.Covariance;
        Assert.True(c[0] / c[35] > 100, $"C00 / C55 = {c[0] / c[35]}");   // wider along the flat axis
    }

    [Fact]
    public void SamplesStayInsideBounds()
    {
        var bounds = new double[,] { { 0, 1 }, { -1, 0 } };
        var opt = new CmaEsOptimizer([0.9, -0.1], 2.0, bounds, seed: 3, maxResampling: 2);
        for (int i = 0; i < 200; i++)
        {
            var x = opt.Ask();
            Assert.InRange(x[0], 0, 1);
            Assert.InRange(x[1], -1, 0);
        }
    }

    [Fact]
    public void SameSeedSameStream()
    {
        var a = new CmaEsOptimizer([0.0, 0.0], 1.0, seed: 42);
        var b = new CmaEsOptimizer([0.0, 0.0], 1.0, seed: 42);
        Minimize(a, Sphere, 5);
        Minimize(b, Sphere, 5);
        Assert.Equal(a.Mean.ToArray(), b.Mean.ToArray());
        Assert.Equal(a.Ask(), b.Ask());
    }

    [Fact]
    public void DefaultPopulationSizeIsHansens()
    {
        Assert.Equal(4 + (int)Math.Floor(3 * Math.Log(10)), new CmaEsOptimizer(new double[10], 1).PopulationSize);
        Assert.Equal(6, new CmaEsOptimizer(new double[2], 1).PopulationSize);
    }

    [Fact]
    public void UpdateMatchesCmaesLibrary()
    {
        // tests/fixtures/reference/tuning/cmaes_update.py: cmaes 0.9.1 (Optuna 3.1's backend) told the same populations.
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "tuning", "cmaes_update.json")));
        var root = doc.RootElement;
        var opt = new CmaEsOptimizer(Doubles(root.GetProperty("mean0")), root.GetProperty("sigma0").GetDouble());
        Assert.Equal(root.GetProperty("population_size").GetInt32(), opt.PopulationSize);
        foreach (var gen in root.GetProperty("generations").EnumerateArray())
        {
            var xs = gen.GetProperty("x").EnumerateArray().Select(Doubles).ToArray();
            var values = Doubles(gen.GetProperty("values"));
            opt.Tell(xs.Select((x, i) => (x, values[i])).ToList());
            Assert.Equal(gen.GetProperty("sigma").GetDouble(), opt.Sigma, 1e-12);
            var mean = Doubles(gen.GetProperty("mean"));
            for (int i = 0; i < mean.Length; i++) Assert.Equal(mean[i], opt.Mean[i], 1e-12);
            var cov = gen.GetProperty("cov").EnumerateArray().SelectMany(Doubles).ToArray();
            for (int i = 0; i < cov.Length; i++) Assert.Equal(cov[i], opt.Covariance[i], 1e-10);
        }
    }

    [Fact]
    public void BadInputIsRejectedWithNames()
    {
        Assert.Contains("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => new CmaEsOptimizer([0.0, 0.0], 0)).Message);
        Assert.Contains("bounds", Assert.Throws<ArgumentException>(() => new CmaEsOptimizer([2.0, 0.0], 1, new double[,] { { 0, 1 }, { 0, 1 } })).Message);
        var opt = new CmaEsOptimizer([0.0, 0.0], 1);
        Assert.Contains("population size", Assert.Throws<ArgumentException>(() => opt.Tell([([0.0, 0.0], 1.0)])).Message);
    }

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
