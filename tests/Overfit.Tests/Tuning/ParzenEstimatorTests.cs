using System.Text.Json;
using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class ParzenEstimatorTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture().RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonDocument Fixture()
        => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "reference", "tuning", "parzen_estimator.json")));

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogPdfMatchesOptuna(string name)
    {
        // tests/fixtures/reference/tuning/parzen_estimator.py: Optuna 3.1's _ParzenEstimator.log_pdf on the same data.
        using var doc = Fixture();
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var names = c.GetProperty("space").EnumerateObject().Select(p => p.Name).ToArray();
        var space = names.Select(n => Distribution.FromJson(c.GetProperty("space").GetProperty(n).GetString()!)).ToArray();
        var obs = names.Select(n => c.GetProperty("observations").GetProperty(n).EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        var points = names.Select(n => c.GetProperty("points").GetProperty(n).EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        var parameters = new ParzenEstimatorParameters(c.GetProperty("consider_prior").GetBoolean(), c.GetProperty("prior_weight").GetDouble(),
            c.GetProperty("consider_magic_clip").GetBoolean(), c.GetProperty("consider_endpoints").GetBoolean(), TpeSampler.DefaultWeights,
            c.GetProperty("multivariate").GetBoolean());
        var pe = new ParzenEstimator(obs, space, parameters);
        var expected = c.GetProperty("log_pdf").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var actual = pe.LogPdf(points);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-9);
    }

    [Fact]
    public void SamplesStayInsideTheSpaceAndOnTheGrid()
    {
        Distribution[] space = [new FloatDistribution(0, 1, step: 0.1), new IntDistribution(1, 1024, log: true), new FloatDistribution(1e-4, 1e-1, log: true), new CategoricalDistribution(["a", "b"])];
        double[][] obs = [[0.1, 0.5, 0.9], [2, 64, 512], [1e-3, 1e-2, 5e-2], [0, 1, 1]];
        var pe = new ParzenEstimator(obs, space, new ParzenEstimatorParameters(true, 1, true, false, TpeSampler.DefaultWeights, false));
        var samples = pe.Sample(new Overfit.Tensors.Generator(3).NextDouble, 500);
        for (int j = 0; j < space.Length; j++)
            foreach (double v in samples[j]) Assert.True(space[j].Contains(v), $"{v} outside {space[j]}");
    }

    [Fact]
    public void DefaultWeightsRampTheOldestObservations()
    {
        // optuna.samplers._tpe.sampler.default_weights: ones below 25, then linspace(1/n, 1, n-25) followed by 25 ones.
        Assert.Equal(Enumerable.Repeat(1.0, 24), TpeSampler.DefaultWeights(24));
        var w = TpeSampler.DefaultWeights(30);
        Assert.Equal(1.0 / 30, w[0], 1e-15);
        Assert.Equal(1.0 / 30 + (1 - 1.0 / 30) * 2 / 4, w[2], 1e-15);
        Assert.Equal(1.0, w[4], 1e-15);
        Assert.All(w[5..], v => Assert.Equal(1.0, v));
        Assert.Equal([1.0 / 26], TpeSampler.DefaultWeights(26)[..1]);
        Assert.Equal(3, TpeSampler.DefaultGamma(30));
        Assert.Equal(25, TpeSampler.DefaultGamma(1000));
    }
}
