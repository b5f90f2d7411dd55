using Overfit.Data;
using Overfit.Landscape;
using Overfit.NN;
using Overfit.Tensors;
using AG = Overfit.Autograd.Autograd;

namespace Overfit.Tests.Landscape;

/// <summary>Loss surfaces against point-by-point evaluation of the moved model.</summary>
public class LossSurfaceTests
{
    private static Tensor Loss(Tensor output, Batch b) => Functional.CrossEntropy(output, b.Labels!);

    /// <summary>The loss with every parameter set to w + a·d1 + b·d2 by plain tensor ops, then restored.</summary>
    private static double Direct(Module model, Batch[] batches, Tensor[] d1, Tensor[] d2, double a, double b)
    {
        var ps = model.Parameters().ToArray();
        var saved = ps.Select(p => p.Detach().Clone()).ToArray();
        using var _ = AG.NoGrad();
        for (int k = 0; k < ps.Length; k++) ps[k].Detach().CopyFrom(saved[k].Add(d1[k].Mul(a)).Add(d2[k].Mul(b)));
        double total = 0;
        int count = 0;
        foreach (var batch in batches)
        {
            total += Loss(model.Forward(batch.Inputs), batch).Item() * batch.Count;
            count += batch.Count;
        }
        for (int k = 0; k < ps.Length; k++) ps[k].Detach().CopyFrom(saved[k]);
        return total / count;
    }

    public static TheoryData<bool> Models => new() { true, false };

    [Theory]
    [MemberData(nameof(Models))]
    public void PlaneEqualsPointByPointEvaluationAndRestoresTheModel(bool simpleNetwork)
    {
        var (_, batches) = HessianAnalysisTests.SmallProblem();
        // The second model opens with an activation, so no first-layer shortcut applies (the general path).
        Module model = simpleNetwork
            ? new SimpleNetwork(new ReLU(), inputSize: 4, numLabels: 3, hidden: [6, 5], generator: new Generator(7), dtype: DType.Float64)
            : new Sequential(new Tanh(), new Linear(4, 5, generator: new Generator(8), dtype: DType.Float64), new ReLU(), new Linear(5, 3, generator: new Generator(9), dtype: DType.Float64));
        var ps = model.Parameters().ToArray();
        Assert.Equal(simpleNetwork, FirstLinearPlan.TryCreate(model, ps) is not null);
        var before = ps.Select(p => p.ToDoubleArray()).ToArray();
        var gen = new Generator(11);
        var d1 = LossSurface.FilterNormalizedDirection(ps, gen);
        var d2 = ps.Select(p => Tensor.Randn(p.Shape, gen, DType.Float64)).ToArray();
        var surface = new LossSurface(model, Loss, batches);
        double[] l1 = [-1, -0.3, 0.5, 1], l2 = [-0.8, 0, 0.9];
        var z = surface.Plane(d1, d2, l1, l2);
        for (int i = 0; i < l1.Length; i++)
            for (int j = 0; j < l2.Length; j++) Assert.Equal(Direct(model, batches, d1, d2, l1[i], l2[j]), z[i, j], 11);
        for (int k = 0; k < ps.Length; k++) Assert.Equal(before[k], ps[k].ToDoubleArray());
        var line = surface.Line(d2, l2);
        var zero = ps.Select(Tensor.ZerosLike).ToArray();
        for (int j = 0; j < l2.Length; j++) Assert.Equal(Direct(model, batches, d2, zero, l2[j], 0), line[j], 11);
    }

    [Fact]
    public void Float32SurfaceOfTheShortcutMatchesDirectEvaluation()
    {
        var model = new SimpleNetwork(new ReLU(), inputSize: 12, numLabels: 4, hidden: [16, 8], generator: new Generator(1));
        var gen = new Generator(2);
        var batch = new Batch(Tensor.Randn([32, 12], gen), Enumerable.Range(0, 32).Select(i => i % 4).ToArray());
        var ps = model.Parameters().ToArray();
        var d1 = LossSurface.FilterNormalizedDirection(ps, gen);
        var d2 = LossSurface.FilterNormalizedDirection(ps, gen);
        var z = new LossSurface(model, Loss, [batch]).Plane(d1, d2, [-1, 0.25, 1], [-0.5, 1]);
        foreach (var (i, a) in new[] { (0, -1.0), (1, 0.25), (2, 1.0) })
            foreach (var (j, b) in new[] { (0, -0.5), (1, 1.0) })
                Assert.Equal(Direct(model, [batch], d1, d2, a, b), z[i, j], 1e-5 * Math.Abs(z[i, j]));
    }

    [Fact]
    public void FilterNormalizedDirectionsMatchEachFiltersNormAndIgnoreBiases()
    {
        var model = new SimpleNetwork(new ReLU(), inputSize: 6, numLabels: 3, hidden: [5], generator: new Generator(3), dtype: DType.Float64);
        var ps = model.Parameters().ToArray();
        var d = LossSurface.FilterNormalizedDirection(ps, new Generator(4));
        for (int k = 0; k < ps.Length; k++)
        {
            var (p, dk) = (ps[k].ToDoubleArray(), d[k].ToDoubleArray());
            if (ps[k].Rank == 1) { Assert.All(dk, v => Assert.Equal(0.0, v)); continue; }
            int rows = ps[k].Size(0), len = p.Length / rows;
            for (int r = 0; r < rows; r++)
            {
                double np = Math.Sqrt(p.Skip(r * len).Take(len).Sum(v => v * v));
                double nd = Math.Sqrt(dk.Skip(r * len).Take(len).Sum(v => v * v));
                Assert.Equal(np, nd, 9);
            }
        }
        var again = LossSurface.FilterNormalizedDirection(ps, new Generator(4));
        Assert.Equal(d[0].ToDoubleArray(), again[0].ToDoubleArray());
    }

    [Fact]
    public void DirectionsOfTheWrongShapeAreRejected()
    {
        var (model, batches) = HessianAnalysisTests.SmallProblem();
        var surface = new LossSurface(model, Loss, batches);
        var ex = Assert.Throws<ArgumentException>(() => surface.Line([Tensor.Zeros([2])], [0.0]));
        Assert.Equal("direction", ex.ParamName);
    }
}
