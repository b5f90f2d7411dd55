using Overfit.Tuning;

namespace Overfit.Tests.Tuning;

public class SearchSpaceTests
{
    private static void Add(Study study, Dictionary<string, (double Value, Distribution Distribution)> ps)
    {
        var t = study.Ask();
        foreach (var (name, (value, d)) in ps) study.Storage.SetTrialParam(t.TrialId, name, value, d);
        study.Tell(t, 0.0);
    }

    [Fact]
    public void IntersectionKeepsParametersEveryFinishedTrialSharesWithTheSameDistribution()
    {
        var study = Study.Create(sampler: new RandomSampler(0));
        var space = new IntersectionSearchSpace();
        Assert.Empty(space.Calculate(study));
        Add(study, new() { ["x"] = (0.5, new FloatDistribution(0, 1)), ["y"] = (1, new IntDistribution(0, 3)), ["z"] = (0, new CategoricalDistribution(["a"])) });
        Assert.Equal(["x", "y", "z"], space.Calculate(study).Keys);
        Add(study, new() { ["x"] = (0.5, new FloatDistribution(0, 1)), ["y"] = (1, new IntDistribution(0, 4)), ["z"] = (0, new CategoricalDistribution(["a"])) });
        Assert.Equal(["x", "z"], space.Calculate(study).Keys); // y's range changed
        study.Ask(); // running trials do not narrow it
        Assert.Equal(["x", "z"], space.Calculate(study).Keys);
        Add(study, new() { ["x"] = (0.5, new FloatDistribution(0, 1)) });
        Assert.Equal(["x"], space.Calculate(study).Keys);
        Assert.Throws<ArgumentException>(() => space.Calculate(Study.Create(sampler: new RandomSampler(0))));
    }

    [Fact]
    public void GroupsSplitParametersThatAppearApart()
    {
        var study = Study.Create(sampler: new RandomSampler(0));
        var f = new FloatDistribution(0, 1);
        Add(study, new() { ["a"] = (0.1, f), ["b"] = (0.2, f) });
        Add(study, new() { ["a"] = (0.1, f), ["c"] = (0.2, f) });
        var groups = new GroupDecomposedSearchSpace().Calculate(study).Select(g => string.Join(",", g.Keys.Order())).Order().ToArray();
        Assert.Equal(["a", "b", "c"], groups);
    }

    [Fact]
    public void TransformRoundTripsAndWidensStepsByHalfAStep()
    {
        var space = new Dictionary<string, Distribution>
        {
            ["lr"] = new FloatDistribution(1e-4, 1e-1, log: true),
            ["n"] = new IntDistribution(0, 10, step: 2),
            ["c"] = new CategoricalDistribution(["a", "b", "c"]),
        };
        var tr = new SearchSpaceTransform(space);
        Assert.Equal(5, tr.EncodedDimension);
        Assert.Equal(Math.Log(1e-4), tr.Lower[0], 12);
        Assert.Equal(-1, tr.Lower[1]);
        Assert.Equal(11, tr.Upper[1]);
        var values = new Dictionary<string, double> { ["lr"] = 1e-3, ["n"] = 4, ["c"] = 2 };
        var back = tr.Untransform(tr.Transform(values));
        Assert.Equal(1e-3, back["lr"], 15);
        Assert.Equal(4, back["n"]);
        Assert.Equal(2, back["c"]);
        Assert.Equal(10, tr.Untransform([0, 10.9, 0, 1, 0])["n"]); // rounded to the grid and clipped into it
    }
}
