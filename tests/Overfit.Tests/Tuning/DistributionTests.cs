using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class DistributionTests
{
    [Fact]
    public void JsonMatchesOptunaDistributionToJson()
    {
        // Strings printed by optuna.distributions.distribution_to_json (Optuna 3.1, Debian python3-optuna).
        Assert.Equal("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0001, \"high\": 0.01, \"log\": true}}",
            new FloatDistribution(1e-4, 1e-2, log: true).ToJson());
        Assert.Equal("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": -5.0, \"high\": 10.0, \"log\": false}}",
            new FloatDistribution(-5, 10).ToJson());
        Assert.Equal("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.3, \"low\": 0.0, \"high\": 0.9, \"log\": false}}",
            new FloatDistribution(0, 1, step: 0.3).ToJson());
        Assert.Equal("{\"name\": \"IntDistribution\", \"attributes\": {\"log\": true, \"step\": 1, \"low\": 1, \"high\": 1024}}",
            new IntDistribution(1, 1024, log: true).ToJson());
        Assert.Equal("{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 3, \"low\": 0, \"high\": 9}}",
            new IntDistribution(0, 10, step: 3).ToJson());
        Assert.Equal("{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"a\", 1, 2.5, null, true]}}",
            new CategoricalDistribution(["a", 1, 2.5, null, true]).ToJson());
    }

    [Fact]
    public void JsonRoundTripsIncludingLegacyAndAbbreviatedForms()
    {
        Distribution[] all = [new FloatDistribution(1e-4, 1e-2, log: true), new FloatDistribution(0, 1, step: 0.3), new IntDistribution(0, 10, step: 3),
            new IntDistribution(1, 1024, log: true), new CategoricalDistribution(["a", 1, 2.5, null, true])];
        foreach (var d in all) Assert.Equal(d, Distribution.FromJson(d.ToJson()));
        Assert.Equal(new FloatDistribution(0.1, 1, log: true), Distribution.FromJson("{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.1, \"high\": 1.0}}"));
        Assert.Equal(new FloatDistribution(0, 1, step: 0.25), Distribution.FromJson("{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}"));
        Assert.Equal(new IntDistribution(1, 8, log: true), Distribution.FromJson("{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"low\": 1, \"high\": 8, \"step\": 1}}"));
        Assert.Equal(new IntDistribution(2, 6, step: 2), Distribution.FromJson("{\"type\": \"int\", \"low\": 2, \"high\": 6, \"step\": 2}"));
        Assert.Throws<FormatException>(() => Distribution.FromJson("{\"name\": \"Nope\", \"attributes\": {}}"));
    }

    [Fact]
    public void ValidationMessagesNameTheParameter()
    {
        var e1 = Assert.Throws<ArgumentException>(() => new FloatDistribution(2, 1, name: "lr"));
        Assert.Contains("'lr'", e1.Message);
        Assert.Contains("low=2", e1.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDistribution(0, 1, log: true, name: "lr"));
        Assert.Contains("'lr'", e2.Message);
        Assert.Throws<ArgumentException>(() => new FloatDistribution(0.1, 1, log: true, step: 0.1, name: "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDistribution(0, 1, step: 0, name: "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDistribution(double.NaN, 1, name: "x"));
        Assert.Contains("'n'", Assert.Throws<ArgumentOutOfRangeException>(() => new IntDistribution(0, 10, log: true, name: "n")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntDistribution(0, 10, step: -1, name: "n"));
        Assert.Throws<ArgumentException>(() => new IntDistribution(5, 4, name: "n"));
        Assert.Contains("'c'", Assert.Throws<ArgumentException>(() => new CategoricalDistribution([], name: "c")).Message);
        Assert.Throws<ArgumentException>(() => new CategoricalDistribution([new object()], name: "c"));
    }

    [Fact]
    public void StepThatDoesNotDivideTheRangeLowersHighAsOptunaDoes()
    {
        Assert.Equal(0.9, new FloatDistribution(0, 1, step: 0.3).High);
        Assert.Equal(0.7, new FloatDistribution(0.1, 0.7, step: 0.2).High); // decimal arithmetic: no 0.1-style drift
        Assert.Equal(9, new IntDistribution(0, 10, step: 3).High);
        Assert.False(new FloatDistribution(0, 1, step: 0.3).Single);
        Assert.True(new FloatDistribution(0, 0.2, step: 0.3).Single);
        Assert.True(new IntDistribution(3, 4, step: 2).Single);
    }

    [Fact]
    public void ContainsAndRepresentations()
    {
        var f = new FloatDistribution(0, 1, step: 0.25);
        Assert.True(f.Contains(0.75));
        Assert.False(f.Contains(0.7));
        Assert.False(f.Contains(1.25));
        var i = new IntDistribution(1, 9, step: 2);
        Assert.True(i.Contains(5));
        Assert.False(i.Contains(4));
        Assert.Equal(5, i.ToExternal(5.0));
        var c = new CategoricalDistribution(["relu", "tanh", 3, null]);
        Assert.Equal(1.0, c.ToInternal("tanh"));
        Assert.Equal(2.0, c.ToInternal(3L));
        Assert.Equal(3.0, c.ToInternal(null));
        Assert.Null(c.ToExternal(3));
        Assert.Throws<ArgumentException>(() => c.ToInternal("gelu"));
        Assert.Throws<ArgumentException>(() => new FloatDistribution(0.1, 1, log: true).ToInternal(-1.0));
        Assert.Throws<ArgumentException>(() => i.ToInternal(2.5));
    }

    [Fact]
    public void CompatibilityFollowsOptuna()
    {
        Distribution.CheckCompatibility("x", new FloatDistribution(0, 1), new FloatDistribution(0, 2)); // ranges may change
        Assert.Throws<ArgumentException>(() => Distribution.CheckCompatibility("x", new FloatDistribution(0.1, 1), new FloatDistribution(0.1, 1, log: true)));
        Assert.Throws<ArgumentException>(() => Distribution.CheckCompatibility("x", new FloatDistribution(0, 1), new IntDistribution(0, 1)));
        Assert.Throws<ArgumentException>(() => Distribution.CheckCompatibility("c", new CategoricalDistribution(["a"]), new CategoricalDistribution(["a", "b"])));
    }
}
